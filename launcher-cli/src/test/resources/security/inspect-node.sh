# Runs as the 'sh' step of SecurityIT on a live main node: what an attacker on the cluster network, or another
# user of the node, would see. Every line it prints starts with a word the test looks for.
set -u
state=$(dirname "$MPI_BATCH_SSH_CONFIG")
main=$(sed -n 1p "$MPI_BATCH_HOSTFILE" | cut -d' ' -f1 | cut -d: -f1)
worker=$(sed -n 2p "$MPI_BATCH_HOSTFILE" | cut -d' ' -f1 | cut -d: -f1)
echo "address main $main worker $worker"
# Where sshd listens, on this node and on the worker (its own network namespace).
ss -ltnpH | grep '"sshd"' | awk '{print "listen main " $4}'
ssh -F "$MPI_BATCH_SSH_CONFIG" "$worker" ss -ltnpH | grep '"sshd"' | awk '{print "listen worker " $4}'
# Key login with the generated configuration works...
ssh -F "$MPI_BATCH_SSH_CONFIG" -o ControlPath=none "$worker" echo key-login-ok
# ...and it checks host keys: without the cluster's known_hosts the worker is refused. A connection of its own
# (ControlPath=none): the main node's shared connection to the worker checked the host key when it opened.
ssh -F "$MPI_BATCH_SSH_CONFIG" -o ControlPath=none -o UserKnownHostsFile=/dev/null "$worker" true 2>&1 \
    | sed 's/^/unknown-host-key /'
ssh -G -F "$MPI_BATCH_SSH_CONFIG" "$worker" | grep -i '^stricthostkeychecking' | sed 's/^/client /'
# A client willing to log in with a password or keyboard-interactive: the askpass program answers, if ever asked.
# A connection of its own (ControlPath=none), as a stranger's would be: not the main node's shared one.
printf '#!/bin/sh\necho asked >> "%s/askpass.log"\necho hunter2\n' "$PWD" > askpass && chmod 700 askpass
SSH_ASKPASS="$PWD/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none setsid ssh -F "$MPI_BATCH_SSH_CONFIG" \
    -o ControlPath=none -o BatchMode=no -o PubkeyAuthentication=no -o PasswordAuthentication=yes -o KbdInteractiveAuthentication=yes \
    -o PreferredAuthentications=password,keyboard-interactive -o NumberOfPasswordPrompts=1 "$worker" true \
    < /dev/null > password.out 2>&1
echo "password-login exit $?: $(tr '\n' ' ' < password.out)"
echo "askpass asked $(cat askpass.log 2>/dev/null | wc -l) times"
# File modes: the state directory, every private key in it, and every other file, here and on the worker.
stat -c 'mode main dir %a %n' "$state"
grep -l 'PRIVATE KEY' "$state"/* | xargs stat -c 'mode main private %a %n'
stat -c 'mode main file %a %n' "$state"/*
ssh -F "$MPI_BATCH_SSH_CONFIG" "$worker" "stat -c 'mode worker dir %a %n' $state; grep -l 'PRIVATE KEY' $state/* | xargs stat -c 'mode worker private %a %n'; stat -c 'mode worker file %a %n' $state/*"
