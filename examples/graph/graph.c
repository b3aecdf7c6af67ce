/*
 * Distributed graph algorithms with MPI on a deterministic R-MAT graph: breadth-first search, weakly connected
 * components and PageRank. Vertices are split into contiguous blocks, one per rank; each rank keeps the edges of
 * its own vertices and exchanges messages with MPI_Alltoallv. Rank 0 then checks every result against a
 * single-process computation of the same graph (a queue BFS, union-find components, a plain PageRank loop).
 *
 * usage: graph [--scale S] [--edge-factor E] [--seed N] [--iterations I]
 */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t vertices, edges;
    int64_t *src, *dst;
} EdgeList;

/* Adjacency of the vertices [first, first + count) in compressed rows. */
typedef struct {
    int64_t first, count;
    int64_t *offsets, *targets;
} Csr;

static int rank, nranks;
static int64_t block; /* vertices per rank */

static int owner(int64_t v) { return (int)(v / block); }

static void *checked_malloc(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "rank %d: out of memory (%zu bytes)\n", rank, bytes);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    return p;
}

/* splitmix64: the same numbers on every rank for the same seed. */
static uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* R-MAT (a=0.57, b=0.19, c=0.19): skewed degrees like real graphs. Every rank makes the whole list. */
static EdgeList rmat(int scale, int edge_factor, uint64_t seed) {
    EdgeList g = {(int64_t)1 << scale, ((int64_t)1 << scale) * edge_factor, NULL, NULL};
    g.src = checked_malloc(sizeof(int64_t) * g.edges);
    g.dst = checked_malloc(sizeof(int64_t) * g.edges);
    uint64_t state = seed;
    for (int64_t e = 0; e < g.edges; e++) {
        int64_t u = 0, v = 0;
        for (int bit = 0; bit < scale; bit++) {
            double r = (double)(next_random(&state) >> 11) / 9007199254740992.0;
            if (r < 0.57) {
            } else if (r < 0.76) {
                v |= (int64_t)1 << bit;
            } else if (r < 0.95) {
                u |= (int64_t)1 << bit;
            } else {
                u |= (int64_t)1 << bit;
                v |= (int64_t)1 << bit;
            }
        }
        g.src[e] = u;
        g.dst[e] = v;
    }
    return g;
}

/* Rows for [first, first + count): out-edges, plus in-edges as well when undirected. */
static Csr build(const EdgeList *g, int64_t first, int64_t count, int undirected) {
    Csr c = {first, count, checked_malloc(sizeof(int64_t) * (count + 1)), NULL};
    memset(c.offsets, 0, sizeof(int64_t) * (count + 1));
    for (int64_t e = 0; e < g->edges; e++) {
        if (g->src[e] >= first && g->src[e] < first + count) c.offsets[g->src[e] - first + 1]++;
        if (undirected && g->dst[e] >= first && g->dst[e] < first + count) c.offsets[g->dst[e] - first + 1]++;
    }
    for (int64_t i = 0; i < count; i++) c.offsets[i + 1] += c.offsets[i];
    c.targets = checked_malloc(sizeof(int64_t) * c.offsets[count]);
    int64_t *fill = checked_malloc(sizeof(int64_t) * count);
    memcpy(fill, c.offsets, sizeof(int64_t) * count);
    for (int64_t e = 0; e < g->edges; e++) {
        if (g->src[e] >= first && g->src[e] < first + count) c.targets[fill[g->src[e] - first]++] = g->dst[e];
        if (undirected && g->dst[e] >= first && g->dst[e] < first + count) c.targets[fill[g->dst[e] - first]++] = g->src[e];
    }
    free(fill);
    return c;
}

/* Messages of two 64-bit words (a vertex and a value), bucketed by the rank that owns the vertex. */
typedef struct {
    int64_t *data[1024];
    int count[1024], capacity[1024];
} Outbox;

static void post(Outbox *box, int64_t vertex, int64_t value) {
    int p = owner(vertex);
    if (box->count[p] == box->capacity[p]) {
        box->capacity[p] = box->capacity[p] ? 2 * box->capacity[p] : 1024;
        box->data[p] = realloc(box->data[p], sizeof(int64_t) * 2 * box->capacity[p]);
        if (!box->data[p]) MPI_Abort(MPI_COMM_WORLD, 2);
    }
    box->data[p][2 * box->count[p]] = vertex;
    box->data[p][2 * box->count[p] + 1] = value;
    box->count[p]++;
}

/* Delivers every posted message to its owner; returns the received ones and their number; empties the box. */
static int64_t *deliver(Outbox *box, int64_t *received) {
    int *send_counts = checked_malloc(sizeof(int) * nranks), *recv_counts = checked_malloc(sizeof(int) * nranks);
    int *send_displs = checked_malloc(sizeof(int) * nranks), *recv_displs = checked_malloc(sizeof(int) * nranks);
    int send_total = 0, recv_total = 0;
    for (int p = 0; p < nranks; p++) {
        send_counts[p] = 2 * box->count[p];
        send_displs[p] = send_total;
        send_total += send_counts[p];
    }
    MPI_Alltoall(send_counts, 1, MPI_INT, recv_counts, 1, MPI_INT, MPI_COMM_WORLD);
    for (int p = 0; p < nranks; p++) {
        recv_displs[p] = recv_total;
        recv_total += recv_counts[p];
    }
    int64_t *send = checked_malloc(sizeof(int64_t) * send_total), *recv = checked_malloc(sizeof(int64_t) * recv_total);
    for (int p = 0; p < nranks; p++) {
        if (send_counts[p]) memcpy(send + send_displs[p], box->data[p], sizeof(int64_t) * send_counts[p]);
        box->count[p] = 0;
    }
    MPI_Alltoallv(send, send_counts, send_displs, MPI_INT64_T, recv, recv_counts, recv_displs, MPI_INT64_T,
                  MPI_COMM_WORLD);
    free(send), free(send_counts), free(recv_counts), free(send_displs), free(recv_displs);
    *received = recv_total / 2;
    return recv;
}

static int64_t bits_of(double d) { int64_t i; memcpy(&i, &d, sizeof i); return i; }
static double double_of(int64_t i) { double d; memcpy(&d, &i, sizeof d); return d; }

/* Level-synchronous BFS over the undirected graph; dist[i] for local vertex i, -1 when unreachable. */
static int bfs(const Csr *adj, int64_t root, int64_t *dist) {
    Outbox box = {0};
    int64_t *frontier = checked_malloc(sizeof(int64_t) * (adj->count + 1)), size = 0;
    for (int64_t i = 0; i < adj->count; i++) dist[i] = -1;
    if (owner(root) == rank) dist[root - adj->first] = 0, frontier[size++] = root;
    int level = 0;
    for (;;) {
        int64_t global = 0;
        MPI_Allreduce(&size, &global, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (global == 0) break;
        for (int64_t f = 0; f < size; f++) {
            int64_t u = frontier[f] - adj->first;
            for (int64_t k = adj->offsets[u]; k < adj->offsets[u + 1]; k++) post(&box, adj->targets[k], 0);
        }
        int64_t n;
        int64_t *in = deliver(&box, &n);
        size = 0;
        level++;
        for (int64_t m = 0; m < n; m++) {
            int64_t v = in[2 * m] - adj->first;
            if (dist[v] < 0) dist[v] = level, frontier[size++] = in[2 * m];
        }
        free(in);
    }
    free(frontier);
    return level - 1;
}

/* Weakly connected components by label propagation: every vertex ends with the smallest id in its component. */
static int wcc(const Csr *adj, int64_t *label) {
    Outbox box = {0};
    char *changed = checked_malloc(adj->count);
    for (int64_t i = 0; i < adj->count; i++) label[i] = adj->first + i, changed[i] = 1;
    int rounds = 0;
    for (;;) {
        for (int64_t u = 0; u < adj->count; u++) {
            if (!changed[u]) continue;
            changed[u] = 0;
            for (int64_t k = adj->offsets[u]; k < adj->offsets[u + 1]; k++)
                if (label[u] < adj->targets[k]) post(&box, adj->targets[k], label[u]);
        }
        int64_t n, updates = 0, global = 0;
        int64_t *in = deliver(&box, &n);
        for (int64_t m = 0; m < n; m++) {
            int64_t v = in[2 * m] - adj->first;
            if (in[2 * m + 1] < label[v]) label[v] = in[2 * m + 1], changed[v] = 1, updates++;
        }
        free(in);
        rounds++;
        MPI_Allreduce(&updates, &global, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (global == 0) break;
    }
    free(changed);
    return rounds;
}

/* PageRank (damping 0.85) over the directed graph, pushing rank along out-edges; dangling rank spread evenly. */
static void pagerank(const Csr *out, int64_t vertices, int iterations, double *pr) {
    Outbox box = {0};
    double *next = checked_malloc(sizeof(double) * out->count);
    for (int64_t i = 0; i < out->count; i++) pr[i] = 1.0 / vertices;
    for (int it = 0; it < iterations; it++) {
        double dangling = 0, global_dangling = 0;
        for (int64_t u = 0; u < out->count; u++) {
            int64_t degree = out->offsets[u + 1] - out->offsets[u];
            if (degree == 0) dangling += pr[u];
            for (int64_t k = out->offsets[u]; k < out->offsets[u + 1]; k++)
                post(&box, out->targets[k], bits_of(pr[u] / degree));
        }
        MPI_Allreduce(&dangling, &global_dangling, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        int64_t n;
        int64_t *in = deliver(&box, &n);
        for (int64_t i = 0; i < out->count; i++) next[i] = 0;
        for (int64_t m = 0; m < n; m++) next[in[2 * m] - out->first] += double_of(in[2 * m + 1]);
        free(in);
        for (int64_t i = 0; i < out->count; i++)
            pr[i] = 0.15 / vertices + 0.85 * (next[i] + global_dangling / vertices);
    }
    free(next);
}

/* ---- The single-process references: different algorithms where there are any. ---- */

static void reference_bfs(const Csr *adj, int64_t root, int64_t *dist) {
    int64_t *queue = checked_malloc(sizeof(int64_t) * adj->count), head = 0, tail = 0;
    for (int64_t i = 0; i < adj->count; i++) dist[i] = -1;
    dist[root] = 0, queue[tail++] = root;
    while (head < tail) {
        int64_t u = queue[head++];
        for (int64_t k = adj->offsets[u]; k < adj->offsets[u + 1]; k++)
            if (dist[adj->targets[k]] < 0) dist[adj->targets[k]] = dist[u] + 1, queue[tail++] = adj->targets[k];
    }
    free(queue);
}

static int64_t find(int64_t *parent, int64_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
}

/* Union-find; each vertex is then labelled with the smallest id of its component, as label propagation does. */
static void reference_wcc(const EdgeList *g, int64_t *label) {
    int64_t *parent = checked_malloc(sizeof(int64_t) * g->vertices);
    for (int64_t v = 0; v < g->vertices; v++) parent[v] = v;
    for (int64_t e = 0; e < g->edges; e++) {
        int64_t a = find(parent, g->src[e]), b = find(parent, g->dst[e]);
        if (a != b) parent[a > b ? a : b] = a < b ? a : b; /* the smaller id stays the root */
    }
    for (int64_t v = 0; v < g->vertices; v++) label[v] = find(parent, v);
    free(parent);
}

static void reference_pagerank(const EdgeList *g, int iterations, double *pr) {
    int64_t n = g->vertices, *degree = checked_malloc(sizeof(int64_t) * n);
    double *next = checked_malloc(sizeof(double) * n);
    memset(degree, 0, sizeof(int64_t) * n);
    for (int64_t e = 0; e < g->edges; e++) degree[g->src[e]]++;
    for (int64_t v = 0; v < n; v++) pr[v] = 1.0 / n;
    for (int it = 0; it < iterations; it++) {
        double dangling = 0;
        for (int64_t v = 0; v < n; v++) next[v] = 0, dangling += degree[v] ? 0 : pr[v];
        for (int64_t e = 0; e < g->edges; e++) next[g->dst[e]] += pr[g->src[e]] / degree[g->src[e]];
        for (int64_t v = 0; v < n; v++) pr[v] = 0.15 / n + 0.85 * (next[v] + dangling / n);
    }
    free(degree), free(next);
}

/* Collects every rank's block of a per-vertex array on rank 0 (8-byte elements). */
static void *gather(const void *local, int64_t count, int64_t vertices) {
    int *counts = checked_malloc(sizeof(int) * nranks), *displs = checked_malloc(sizeof(int) * nranks);
    int mine = (int)count;
    MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    for (int p = 0; p < nranks && rank == 0; p++) displs[p] = (int)(p * block);
    void *all = rank == 0 ? checked_malloc(8 * vertices) : NULL;
    MPI_Gatherv(local, mine, MPI_INT64_T, all, counts, displs, MPI_INT64_T, 0, MPI_COMM_WORLD);
    free(counts), free(displs);
    return all;
}

static int report(int ok, const char *what) {
    if (rank == 0) printf("check %s: %s\n", ok ? "passed" : "FAILED", what), fflush(stdout);
    return ok;
}

static double elapsed_max(double start) {
    double local = MPI_Wtime() - start, max = 0;
    MPI_Allreduce(&local, &max, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return max;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    int scale = 16, edge_factor = 8, iterations = 20;
    uint64_t seed = 42;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--scale")) scale = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--edge-factor")) edge_factor = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--iterations")) iterations = atoi(argv[i + 1]);
    }
    if (scale < 4 || scale > 26 || edge_factor < 1 || nranks > 1024) {
        if (rank == 0) fprintf(stderr, "usage: graph [--scale 4..26] [--edge-factor E>=1] [--seed N] [--iterations I]\n");
        MPI_Finalize();
        return 2;
    }

    double start = MPI_Wtime();
    EdgeList g = rmat(scale, edge_factor, seed);
    block = (g.vertices + nranks - 1) / nranks;
    int64_t first = rank * block, count = first >= g.vertices ? 0 : (first + block > g.vertices ? g.vertices - first : block);
    Csr adj = build(&g, first, count, 1), out = build(&g, first, count, 0);
    double t_build = elapsed_max(start);
    if (rank == 0)
        printf("graph: R-MAT scale %d, %lld vertices, %lld edges, seed %llu, %d ranks of %lld vertices\n", scale,
               (long long)g.vertices, (long long)g.edges, (unsigned long long)seed, nranks, (long long)block);

    int64_t *dist = checked_malloc(sizeof(int64_t) * (count + 1)), *label = checked_malloc(sizeof(int64_t) * (count + 1));
    double *pr = checked_malloc(sizeof(double) * (count + 1));
    start = MPI_Wtime();
    int levels = bfs(&adj, 0, dist);
    double t_bfs = elapsed_max(start);
    start = MPI_Wtime();
    int rounds = wcc(&adj, label);
    double t_wcc = elapsed_max(start);
    start = MPI_Wtime();
    pagerank(&out, g.vertices, iterations, pr);
    double t_pr = elapsed_max(start);

    int64_t *all_dist = gather(dist, count, g.vertices), *all_label = gather(label, count, g.vertices);
    double *all_pr = gather(pr, count, g.vertices);
    int failures = 0;
    if (rank == 0) {
        Csr whole = build(&g, 0, g.vertices, 1);
        int64_t *ref_dist = checked_malloc(sizeof(int64_t) * g.vertices), *ref_label = checked_malloc(sizeof(int64_t) * g.vertices);
        double *ref_pr = checked_malloc(sizeof(double) * g.vertices);
        double s0 = MPI_Wtime();
        reference_bfs(&whole, 0, ref_dist);
        double r_bfs = MPI_Wtime() - s0;
        s0 = MPI_Wtime();
        reference_wcc(&g, ref_label);
        double r_wcc = MPI_Wtime() - s0;
        s0 = MPI_Wtime();
        reference_pagerank(&g, iterations, ref_pr);
        double r_pr = MPI_Wtime() - s0;

        int64_t reached = 0, components = 0, bad_dist = 0, bad_label = 0;
        double max_diff = 0, sum = 0;
        for (int64_t v = 0; v < g.vertices; v++) {
            reached += ref_dist[v] >= 0;
            components += ref_label[v] == v;
            bad_dist += all_dist[v] != ref_dist[v];
            bad_label += all_label[v] != ref_label[v];
            max_diff = fmax(max_diff, fabs(all_pr[v] - ref_pr[v]));
            sum += all_pr[v];
        }
        char what[256];
        snprintf(what, sizeof what, "BFS from vertex 0: %d levels, %lld vertices reached, every distance equals the "
                 "single-process BFS", levels, (long long)reached);
        failures += !report(bad_dist == 0, what);
        snprintf(what, sizeof what, "WCC: %lld components in %d rounds, every label equals union-find's",
                 (long long)components, rounds);
        failures += !report(bad_label == 0, what);
        snprintf(what, sizeof what, "PageRank: %d iterations, max difference %.2e from the single-process PageRank, "
                 "ranks sum to %.12f", iterations, max_diff, sum);
        failures += !report(max_diff < 1e-12 && fabs(sum - 1.0) < 1e-9, what);
        printf("timing: build %.3f s\n", t_build);
        printf("timing: bfs %.3f s (single process %.3f s)\n", t_bfs, r_bfs);
        printf("timing: wcc %.3f s (single process %.3f s)\n", t_wcc, r_wcc);
        printf("timing: pagerank %.3f s (single process %.3f s)\n", t_pr, r_pr);
        fflush(stdout);
    }
    MPI_Bcast(&failures, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return failures ? 1 : 0;
}
