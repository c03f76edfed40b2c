// Argument parsing shared by the subcommands: node:util parseArgs plus the errors users need to see.
import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * Exit codes: 0 all passed, 1 a step failed, 2 usage or runbook error, 3 the run went to the end with findings
 * (failures of finding=true blocks), 130 aborted (Ctrl-C).
 */
export const EXIT = { passed: 0, failed: 1, usage: 2, findings: 3, aborted: 130 } as const;

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(message, command);
  }
}

/** --var k=v pairs into a record; the value may contain '='. */
export function parseVarFlags(command: string, pairs: string[] = []): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var ${pair}: write it as --var NAME=VALUE`, command);
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

export const HELP: Record<string, string> = {
  main: `drillbook: interactive terminal runbooks for Redis Sentinel disaster recovery on DigitalOcean

Usage:
  drillbook run FILE [options]        run a runbook (TUI in a terminal, plain lines otherwise)
  drillbook check FILE...             validate runbooks and print every problem found
  drillbook report RUN|JOURNAL        summarize a recorded run as Markdown
  drillbook lab COMMAND               manage the local lab (real redis processes on loopback)

Options:
  -h, --help       show help (also: drillbook COMMAND --help)
  -v, --version    print the version

Exit codes: 0 all passed, 1 a step failed, 2 usage or runbook error, 3 findings recorded,
130 aborted.
Runbook format: docs/runbook-format.md`,
  run: `Usage: drillbook run FILE [options]

Runs the runbook's steps against a target, asking before anything that changes things.

Options:
  --target lab|digitalocean   where the steps run (default: the runbook's target, else lab)
  --lab-mode loopback|container
                              with --target lab: processes on loopback aliases, or systemd-nspawn
                              machines booted by real cloud-init (root; see docs/lab.md); default: the
                              mode of the lab already running, else loopback
  --ip-range CIDR             with --target lab: the lab's range; the lab of this XDG_STATE_HOME must be on
                              it (or is started on it); another range is refused (exit 2): run beside a
                              lab with a state home of its own (docs/lab.md, "Two labs side by side")
  --yes                       confirm mutating steps and checklist items without asking
  --allow-destroy             with --yes, confirm destructive steps too
  --plain                     one readable line per event (default when stdout is not a terminal)
  --json                      one JSON object per line; the last is run.finished with every result
  --dry-run                   show what each action would do, variables resolved; run nothing
  --var NAME=VALUE            set a variable (repeatable); wins over env, prompt, generate, default
  --var-file FILE             variables from FILE (NAME=VALUE lines; - reads stdin): secrets stay out of ps
  --allow-unknown-vars        a --var the runbook does not know is a warning instead of an error
  --from STEP                 start at this step (id or 1-based number)
  --only STEP                 run only this step (repeatable)
  --resume RUN                continue a recorded run (run id or journal path) at its first step not passed
  --accept-changed-runbook    with --resume: go on although the runbook changed since the run (listed)
  --via ssh://USER@HOST[:PORT] reach Redis and Sentinel through this SSH jump host (sets the via var;
                              the runbook must declare via; key from ssh-agent or the via_key var)
  --install-deps              (lab) install redis-server and redis-sentinel with apt-get when missing
                              (root on Debian/Ubuntu); elsewhere, say how to install them
  --monitoring                (lab) run Prometheus, redis_exporter and Alertmanager on the lab range's .30,
                              following the droplets the runbook creates; lab down stops them. Container
                              mode: a monitoring droplet joins the runbook's VPC for the run, at that address
  --monitoring-host ADDR      (lab) loopback address for --monitoring instead of the range's .30
  --journal PATH              journal file (.jsonl) or directory
                              (default: $XDG_STATE_HOME/drillbook/runs, else ~/.local/state/drillbook/runs)
  -h, --help                  show this help

Without a terminal nobody can answer: mutating steps need --yes, destructive ones --yes --allow-destroy,
prompts need --var NAME=VALUE (or --var-file), and checklist items need --yes (recorded as done by flag).
Ctrl-C aborts the running step; a second Ctrl-C quits.`,
  check: `Usage: drillbook check FILE...

Parses and validates each runbook and prints every problem as file:line:col: message.
Exit code 0 when all are valid, 2 when any has an error.`,
  report: `Usage: drillbook report RUN|JOURNAL [options]

Summarizes a recorded run from its journal: runbook, target, operator, times, each step with its status,
duration and checks, prompts answered with their times.

Options:
  --json          print the summary as JSON instead of Markdown
  --out FILE      write it to FILE (mode 0600) instead of stdout
  --journal DIR   where to look for RUN (default: the journal directory drillbook run uses)
  -h, --help      show this help`,
};
