// drillbook's entry point: argv → subcommand. Each command is imported on demand so start-up stays fast.
import * as nodeModule from 'node:module';
import packageJson from '../package.json' with { type: 'json' };
import { EXIT, HELP, UsageError } from './commands/args.js';

// Every command is a chunk loaded on demand: with V8's code cache on disk, later starts skip compiling them.
nodeModule.enableCompileCache?.();

const MIN_NODE_MAJOR = 22;

async function main(argv: string[]): Promise<number> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    process.stderr.write(
      `drillbook needs Node.js ${MIN_NODE_MAJOR} or newer; this is ${process.version}.\n` +
        'In the repository, npm scripts (npm start, npm test) and npx drillbook use the Node.js 24 that npm install ' +
        'fetched (node_modules/.bin/node); elsewhere install Node.js 22+.\n',
    );
    return EXIT.usage;
  }
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return (await import('./commands/run.js')).runRunCommand(rest);
    case 'check':
      return (await import('./commands/check.js')).runCheckCommand(rest);
    case 'report':
      return (await import('./commands/report.js')).runReportCommand(rest);
    case 'lab':
      return (await import('./commands/lab.js')).runLabCommand(rest);
    case '-v':
    case '--version':
      process.stdout.write(`drillbook ${packageJson.version}\n`);
      return EXIT.passed;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${HELP.main}\n`);
      return command === undefined ? EXIT.usage : EXIT.passed;
    default:
      throw new UsageError(`unknown command "${command}"`, 'main');
  }
}

// A reader that goes away (`drillbook run … | head`) must not crash a run mid-step: the journal has it all.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

function exit(code: number): void {
  // Let buffered output drain before leaving; lingering handles must not keep the process alive.
  process.stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exit, async (error: unknown) => {
  if (error instanceof UsageError) {
    const help = error.command === 'main' ? 'drillbook --help' : `drillbook ${error.command} --help`;
    process.stderr.write(`drillbook: ${error.message}\n(see ${help})\n`);
    exit(EXIT.usage);
    return;
  }
  const { explainError } = await import('./commands/system-errors.js');
  process.stderr.write(`drillbook: ${explainError(error)}\n`);
  exit(EXIT.usage);
});
