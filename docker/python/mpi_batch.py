"""Run the steps of an mpi-batch job from your own Python program, on the job's main node.

A job file's ``sh`` step starts your driver (``- sh: python3 driver.py``); the driver calls these functions
between its own logic. Each call is one step of the job, exactly as if the job file listed it: the main node's
agent runs it with the cluster's hostfile and environment, its output goes to the job's output labelled as the
job file's steps are, the job's step timeout applies, and the agent logs it as step ``N.1``, ``N.2``, ... of the
``sh`` step ``N``::

    import mpi_batch

    mpi_batch.cc(args=["-O2", "-o", "sweep", "sweep.c"])     # mpicc on the main node
    mpi_batch.broadcast("sweep")                              # to the same path on every other node
    for size in (1000, 2000):
        mpi_batch.exec(program="./sweep", program_args=[str(size)])   # mpiexec over the whole cluster

A call returns when its step has ended, with its exit code (0). A step that fails raises :class:`StepFailed`
carrying its ``exit_code``, or returns the code with ``check=False``. A step the agent refuses (a bad argument,
another step still running, not on the main node, not inside a job) raises :class:`StepRefused` (exit code 2),
whatever ``check`` says. Uncaught, every :class:`StepError` ends the driver with its exit code, as ``sys.exit``
does, so the ``sh`` step, and with it the job, fails with the inner step's code.

One step runs at a time. Relative paths are relative to the job's working directory, where steps run (not the
driver's current directory). Interrupting or killing the driver stops the step it waits for.

Pure standard library; ``mpi-batch-node`` is the same client as a command (``python3 mpi_batch.py --help``).
"""

import json
import os
import socket
import sys

__all__ = ["exec", "run", "cc", "broadcast", "broadcast_file", "sh", "step",
           "StepError", "StepFailed", "StepRefused"]

PROTOCOL = 1
#: The environment variable that holds the main node's control socket (set for the programs of ``sh`` steps).
CONTROL_VARIABLE = "MPI_BATCH_CONTROL"
#: Exit code when the agent ended the connection before the step's result (the agent was stopped).
AGENT_GONE = 4
BAD_INPUT = 2


class StepError(Exception, SystemExit):
    """A step did not succeed. ``exit_code`` is the step's exit code (2 when it was refused).

    It is also a ``SystemExit`` whose ``code`` is that exit code: uncaught, it ends the program with it (the agent
    has logged which step failed and why). ``except Exception`` catches it as any error.

    Attributes: ``exit_code``; ``step``, the step as sent (a dict, as in a job file); ``label``, the step's number
    in the job's log (``"2.1"``), or None when it never ran.
    """

    def __init__(self, message, exit_code, step=None, label=None):
        Exception.__init__(self, message)
        self.exit_code = exit_code
        self.code = exit_code
        self.step = step
        self.label = label

    def __str__(self):
        return self.args[0] if self.args else ""


class StepFailed(StepError):
    """The step ran and ended with a non-zero exit code (``exit_code``), or was stopped."""


class StepRefused(StepError):
    """The step never ran: it is invalid, or it cannot be asked for here (exit code 2; the message says why)."""


def exec(program, args=(), program_args=(), env=None, check=True):  # noqa: A001 - the seed's name, current.mpi.exec
    """``mpiexec --hostfile <cluster> <args> <program> <program_args>`` over the whole cluster, as an ``exec`` step.

    ``program`` is one path or name (not a command line: ``program="python3", program_args=["x.py"]``), ``args`` the
    launcher's options (e.g. ``["--map-by", "slot"]``), ``program_args`` the program's arguments; lists of text,
    passed as they are, never through a shell. ``env``: the step's own variables over the job's (a dict of text), as
    a job file step's ``env``; every rank on every node sees them. Returns the exit code (0, or the failure's with
    ``check=False``).
    """
    return _mpi("exec", program, args, program_args, env, check)


def run(program, args=(), program_args=(), env=None, check=True):
    """The same as :func:`exec` with ``mpirun``, as a ``run`` step."""
    return _mpi("run", program, args, program_args, env, check)


def cc(args, env=None, check=True):
    """``mpicc <args>`` in the working directory of the main node, as a ``cc`` step, e.g.
    ``cc(args=["-O2", "-o", "hello", "hello.c"])``; ``env`` as for :func:`exec`."""
    return step(_with_env({"cc": _texts("args", args)}, env), check=check)


def broadcast(*paths, check=True):
    """Copies files from the main node to the same path on every other node, as a ``broadcast`` step, e.g.
    ``broadcast("hello", "input.dat")``: paths relative to the working directory (or absolute inside it)."""
    if len(paths) == 1 and isinstance(paths[0], (list, tuple)):
        paths = tuple(paths[0])
    return step({"broadcast": _texts("paths", paths)}, check=check)


#: The seed product's name for :func:`broadcast` (``current.mpi.broadcast_file``).
broadcast_file = broadcast


def sh(command, env=None, check=True):
    """A shell command (``sh -c``) on the main node, as an ``sh`` step (it cannot ask for steps itself); ``env`` as
    for :func:`exec`."""
    if not isinstance(command, str):
        raise TypeError("sh: command must be text (one shell command line), not %s" % type(command).__name__)
    return step(_with_env({"sh": command}, env), check=check)


def step(spec, check=True):
    """Runs one step written as an item of a job file's ``steps``, e.g. ``step({"exec": {"program": "./hello"}})``.

    Returns its exit code: 0, or with ``check=False`` the failing step's. Raises :class:`StepFailed` when it fails
    (``check=True``), :class:`StepRefused` when the agent refuses it, :class:`StepError` (exit code 4) when the agent
    went away before the step ended.
    """
    answer = _ask(spec)
    code = answer["exit"]
    label = answer.get("step")
    if label is None:
        raise StepRefused(answer.get("message", "refused"), code, spec)
    if code == 0 or not check:
        return code
    message = "step %s (%s) failed with exit code %d" % (label, _type(spec), code)
    if answer.get("message"):
        message += ": stopped because " + answer["message"]
    raise StepFailed(message, code, spec, label)


def _mpi(kind, program, args, program_args, env, check):
    if not isinstance(program, str):
        raise TypeError("%s: program must be text (a path or a name), not %s" % (kind, type(program).__name__))
    return step(_with_env({kind: {"args": _texts("args", args), "program": program,
                                  "programArgs": _texts("program_args", program_args)}}, env), check=check)


def _with_env(spec, env):
    if env:
        if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
            raise TypeError("env must be a dict of names to text, e.g. {\"OMP_NUM_THREADS\": \"4\"}, not %r" % (env,))
        spec["env"] = dict(env)
    return spec


def _texts(name, values):
    if isinstance(values, (str, bytes)) or not all(isinstance(v, str) for v in values):
        raise TypeError("%s must be a list of text, e.g. [\"-o\", \"hello\"], not %r" % (name, values))
    return list(values)


def _type(spec):
    return next(iter(spec)) if isinstance(spec, dict) and len(spec) == 1 else "step"


def _refuse(message, spec):
    raise StepRefused(message, BAD_INPUT, spec)


def _ask(spec):
    """Sends the step to the main node's agent and waits for its answer (a dict with 'exit')."""
    env = os.environ
    index, main = env.get("AWS_BATCH_JOB_NODE_INDEX"), env.get("AWS_BATCH_JOB_MAIN_NODE_INDEX")
    if index is not None and main is not None and index != main:
        _refuse("this is node %s of the job, a worker: steps are asked for on the main node (node %s), from a "
                "program of an sh step" % (index, main), spec)
    path = env.get(CONTROL_VARIABLE)
    if not path:
        _refuse("not inside a step of an mpi-batch job (%s is not set): call mpi-batch-node, or import mpi_batch, "
                "from a program that an sh step of the job runs on the main node, e.g. '- sh: python3 driver.py'"
                % CONTROL_VARIABLE, spec)
    request = json.dumps({"protocol": PROTOCOL, "host": socket.gethostname(), "step": spec}) + "\n"
    # What the driver printed so far comes before the step's output: the agent passes on what has been written.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError, OSError):
            pass
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        try:
            connection.connect(path)
        except FileNotFoundError:
            _refuse("no control socket at %s on this host: steps are asked for on the job's main node, while an sh "
                    "step runs (not on a worker, not after the plan)" % path, spec)
        except ConnectionRefusedError:
            _refuse("the job's agent no longer takes steps at %s: the plan that ran this program is over" % path, spec)
        except PermissionError:
            _refuse("cannot connect to %s: permission denied (steps are asked for as the user the agent runs "
                    "as)" % path, spec)
        # Our end stays open until the answer: closing it (exit, kill, Ctrl-C) stops the step.
        connection.sendall(request.encode("utf-8"))
        reader = connection.makefile("rb")
        while True:
            line = reader.readline()
            if not line:
                raise StepError("the node agent ended the connection before the step returned (was the agent "
                                "stopped?)", AGENT_GONE, spec)
            answer = json.loads(line.decode("utf-8"))
            if "exit" in answer:
                return answer


_USAGE = """usage: mpi-batch-node [--env NAME=VALUE]... exec|run [MPI-ARGS... --] PROGRAM [PROGRAM-ARGS...]
       mpi-batch-node [--env NAME=VALUE]... cc MPICC-ARGS...
       mpi-batch-node broadcast PATH...
       mpi-batch-node [--env NAME=VALUE]... sh COMMAND
       mpi-batch-node step JSON        one step as in a job file, e.g. '{"exec": {"program": "./hello"}}'

Runs one step of the mpi-batch job this program belongs to, on the main node, as the job file's steps run
(same output, log and timeout), and exits with its exit code: call it from a program of an sh step.
MPI-ARGS (options of mpiexec or mpirun) start with '-' and end at '--'; without them, PROGRAM comes first.
--env gives the step a variable of its own over the job's, as a job file step's env.
Exit codes: the step's; 2 bad usage, or the step refused (the message says why); 4 the agent went away."""


def _spec_from(argv):
    """The step that a command line asks for, or None when it is not a valid one."""
    env = {}
    while len(argv) >= 2 and argv[0] == "--env":
        name, equals, value = argv[1].partition("=")
        if not equals:
            return None
        env[name] = value
        argv = argv[2:]
    if not argv:
        return None
    spec = _step_from(argv[0], argv[1:])
    if spec is not None and env:
        if argv[0] == "step":
            return None  # the JSON says its own env
        spec["env"] = env
    return spec


def _step_from(kind, rest):
    if kind in ("exec", "run") and rest:
        args = []
        if rest[0].startswith("-"):
            if "--" not in rest:
                return None
            split = rest.index("--")
            args, rest = rest[:split], rest[split + 1:]
        if not rest:
            return None
        return {kind: {"args": args, "program": rest[0], "programArgs": rest[1:]}}
    if kind == "cc" and rest:
        return {"cc": rest}
    if kind == "broadcast" and rest:
        return {"broadcast": rest}
    if kind == "sh" and len(rest) == 1:
        return {"sh": rest[0]}
    if kind == "step" and len(rest) == 1:
        try:
            return json.loads(rest[0])
        except ValueError as e:
            print("mpi-batch-node: step: not JSON (%s): write one step as in a job file, e.g. "
                  "'{\"exec\": {\"program\": \"./hello\"}}'" % e, file=sys.stderr)
            raise SystemExit(BAD_INPUT)
    return None


def main(argv=None):
    """``mpi-batch-node``: runs the step its arguments name and returns the exit code to exit with."""
    argv = sys.argv[1:] if argv is None else argv
    if argv in (["-h"], ["--help"]):
        print(_USAGE)
        return 0
    spec = _spec_from(argv)
    if spec is None:
        print(_USAGE, file=sys.stderr)
        return BAD_INPUT
    try:
        answer = _ask(spec)
    except StepError as e:
        print("mpi-batch-node: %s" % e, file=sys.stderr)
        return e.exit_code
    if answer.get("message"):
        # Refused, or stopped: say why (a step that failed by itself has been logged by the agent).
        print("mpi-batch-node: %s" % answer["message"], file=sys.stderr)
    return answer["exit"]


if __name__ == "__main__":
    sys.exit(main())
