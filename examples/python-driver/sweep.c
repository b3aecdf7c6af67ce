/*
 * One run of the sweep: the sum of 1..N split over the ranks. Every rank says what it summed and where it ran;
 * rank 0 checks the total against N(N+1)/2, writes it to sum-N.txt for the driver, and fails the run if it is wrong.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int rank, size, length;
    char host[MPI_MAX_PROCESSOR_NAME];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(host, &length);
    if (argc != 2 || atoll(argv[1]) < 1) {
        if (rank == 0) {
            fprintf(stderr, "usage: sweep N (a whole number from 1)\n");
        }
        MPI_Finalize();
        return 2;
    }
    long long n = atoll(argv[1]);
    long long first = n * rank / size + 1, last = n * (rank + 1) / size, partial = 0, total = 0;
    for (long long i = first; i <= last; i++) {
        partial += i;
    }
    printf("rank %d of %d on %s: sum of %lld..%lld = %lld\n", rank, size, host, first, last, partial);
    fflush(stdout);
    MPI_Reduce(&partial, &total, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    int status = 0;
    if (rank == 0) {
        long long expected = n * (n + 1) / 2;
        char name[64];
        snprintf(name, sizeof name, "sum-%lld.txt", n);
        FILE *out = fopen(name, "w");
        if (out == NULL || fprintf(out, "%lld\n", total) < 0 || fclose(out) != 0) {
            fprintf(stderr, "cannot write %s\n", name);
            status = 1;
        }
        if (total != expected) {
            fprintf(stderr, "check FAILED: sum of 1..%lld is %lld, expected %lld\n", n, total, expected);
            status = 3;
        }
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
