#!/bin/sh
# Prints $1 numbered lines of 80 bytes (81 with the line end), then an end marker, from every rank. awk writes
# through a 4 KiB buffer, so lines are cut between the chunks the MPI launcher forwards, as real programs' are.
n=$1
r=${OMPI_COMM_WORLD_RANK:-$PMI_RANK}
awk -v n="$n" -v r="$r" 'BEGIN {
  pad = sprintf("%80s", ""); gsub(/ /, "x", pad)
  for (i = 1; i <= n; i++) { head = sprintf("r%d-%07d-", r, i); printf "%s%s\n", head, substr(pad, 1, 80 - length(head)) }
}'
echo "END-OF-RANK $r"
