/*
 * Copyright 2026 The ECS Deploy Readiness Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { Command, CommanderError } from 'commander';
import { Readable, Writable } from 'stream';
import { runAnalyze } from './commands/analyze';
import { runCheckImage } from './commands/checkImage';
import { runCheckTaskDefinition } from './commands/checkTaskDefinition';
import { runClassify } from './commands/classify';
import {
  failOnOption,
  launchTypeOption,
  positiveIntegerOption,
} from './commands/options';
import { runPinDigests } from './commands/pinDigests';
import { holdEnvironmentCredentials } from './credentials';
import {
  CliIo,
  INTERRUPTED_EXIT_CODE,
  InputError,
  guardedIo,
  processIo,
} from './io';
import type { ImageInspector } from '../inspect';
import { FailOn, Painter } from './output';
import type { RegistryCliOptions } from './registry';

export type { CliIo, CliOutputFormat } from './io';

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  value,
];

/**
 * Standard input for `classify -`: the stream itself when the I/O has one, so each line is
 * answered as it arrives; it ends early when standard output closes (nobody reads the answers).
 */
function classifyInput(io: CliIo): NodeJS.ReadableStream {
  const stream = io.stdinStream?.();
  const closed = io.outputClosed;
  if (!stream) {
    return Readable.from(
      (async function* all() {
        yield await io.readStdin();
      })(),
    );
  }
  if (!closed) return stream;
  return Readable.from(
    (async function* untilOutputCloses() {
      if (closed.aborted) return;
      const chunks = stream[Symbol.asyncIterator]();
      const outputGone = new Promise<IteratorResult<unknown>>(resolve =>
        closed.addEventListener(
          'abort',
          () => resolve({ done: true, value: undefined }),
          { once: true },
        ),
      );
      try {
        for (;;) {
          const next = await Promise.race([chunks.next(), outputGone]);
          if (next.done) return;
          yield next.value;
        }
      } finally {
        if (closed.aborted) {
          (stream as NodeJS.ReadableStream & { destroy?(): void }).destroy?.();
        }
      }
    })(),
    { objectMode: false },
  );
}

/**
 * The registry side of the CLI, loaded when a command reaches registries rather than at start-up
 * (`analyze`, `classify` and `--help` never need the registry clients). Compiled (the bundle,
 * the built package) it is a dynamic import; from the TypeScript sources (tests, the bin in a
 * checkout) a require, which their CommonJS transform supports where `import()` is not.
 */
function loadRegistryModule(): Promise<typeof import('./registry')> {
  if (__filename.endsWith('.ts')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return Promise.resolve(require('./registry'));
  }
  return import('./registry');
}

function writableTo(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      write(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      callback();
    },
  });
}

async function withInspector(
  options: RegistryCliOptions,
  io: CliIo,
  run: (inspector: ImageInspector) => Promise<number>,
): Promise<number> {
  const { createCliInspector } = await loadRegistryModule();
  const { inspector, close } = await createCliInspector(options, io);
  try {
    return await run(inspector);
  } finally {
    close();
  }
}

function registryOptions(command: Command): Command {
  return command
    .option(
      '--insecure-registry <host:port>',
      'registry reached over plain HTTP and allowed at a private or loopback address (repeatable)',
      collect,
      [],
    )
    .option(
      '--registry-endpoint <host=url>',
      'serve a registry host from another base URL, e.g. a local stand-in (repeatable)',
      collect,
      [],
    )
    .option(
      '--endpoint-url <url>',
      'ECR API endpoint, for a local stand-in (else AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL)',
    )
    .option(
      '--docker-config <file>',
      'docker config.json whose "auths" give credentials for non-ECR registries',
    )
    .option('--concurrency <n>', 'most registry calls in flight at once', v =>
      positiveIntegerOption('--concurrency', v),
    )
    .option(
      '--timeout <ms>',
      'time limit for one registry request, in milliseconds',
      v => positiveIntegerOption('--timeout', v),
    )
    .option(
      '--deadline <ms>',
      'time limit for the whole inspection of one image, in milliseconds',
      v => positiveIntegerOption('--deadline', v),
    )
    .option(
      '--cache-dir <dir>',
      'keep manifests and configs (by digest) in this directory across runs',
    );
}

function outputOptions(command: Command): Command {
  return command
    .option('--json', 'print one JSON object for machines instead of the table')
    .option(
      '--fail-on <level>',
      'exit 1 on: blocking (default), unverifiable (also when the registry could not be read), risk',
      failOnOption,
      'blocking' as FailOn,
    );
}

/**
 * Runs the `ecs-deploy-readiness` CLI with the given arguments (without `node` and the script)
 * and returns its exit code: 0 no blocking finding, 1 blocking findings, 2 usage or input error,
 * 130 interrupted (`io.interrupted`). Everything it reads and writes goes through `io`, so tests
 * run it in-process.
 *
 * @public
 */
export async function main(
  argv: string[] = process.argv.slice(2),
  rawIo: CliIo = processIo(),
): Promise<number> {
  const painter = new Painter(
    rawIo.isTTY && !rawIo.env.NO_COLOR && rawIo.env.TERM !== 'dumb',
  );
  // Everything printed from here on is redacted and escaped, whatever its source.
  const io = guardedIo(rawIo, text => painter.finish(text));
  holdEnvironmentCredentials(io.env);
  let exitCode = 0;

  const program = new Command('ecs-deploy-readiness')
    .description(
      'Finds, before a deploy, why Amazon ECS would fail to pull or start a container image.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: text => io.stdout(text),
      writeErr: text => io.stderr(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    .allowExcessArguments(false);

  outputOptions(
    registryOptions(
      program
        .command('check-image')
        .description(
          "check an image reference in its registry for a task's platform",
        )
        .argument(
          '<reference>',
          'image reference, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4',
        )
        .option(
          '--platform <os/arch[/variant]>',
          'platform the task runs on',
          'linux/amd64',
        )
        .option(
          '--launch-type <type>',
          'FARGATE, EC2 or EXTERNAL',
          launchTypeOption,
        )
        .option(
          '--deployed-digest <digest>',
          'digest running tasks use, checked for deletion or archival (repeatable)',
          collect,
        )
        .option(
          '--with-credentials',
          'the container has repositoryCredentials (private registry auth)',
        ),
    ),
  ).action(async (reference: string, options) => {
    exitCode = await withInspector(options, io, inspector =>
      runCheckImage(reference, options, inspector, io, painter),
    );
  });

  outputOptions(
    registryOptions(
      program
        .command('check-task-definition')
        .description(
          'check every container image of a task definition JSON file',
        )
        .argument(
          '<file>',
          'register-task-definition input or describe-task-definition output ("-" for stdin)',
        ),
    ),
  ).action(async (file: string, options) => {
    exitCode = await withInspector(options, io, inspector =>
      runCheckTaskDefinition(file, options, inspector, io, painter),
    );
  });

  registryOptions(
    program
      .command('pin-digests')
      .description(
        'pin every tag-only image of a task definition to the digest it points at now',
      )
      .argument('<file>', 'task definition JSON file ("-" for stdin)')
      .option('--write', 'rewrite the file in place instead of printing it'),
  ).action(async (file: string, options) => {
    exitCode = await withInspector(options, io, inspector =>
      runPinDigests(file, options, inspector, io),
    );
  });

  outputOptions(
    program
      .command('analyze')
      .description('analyze a manifest or index file offline (no network)')
      .requiredOption(
        '--manifest <file>',
        'manifest, index or config JSON ("-" for stdin)',
      )
      .option('--config <file>', 'the image config JSON of the manifest')
      .option(
        '--document <file>',
        "another document the manifest leads to, found by its digest: an index's platform manifest, a nested index (repeatable)",
        collect,
      )
      .option('--platform <os/arch[/variant]>', 'platform the task runs on')
      .option(
        '--launch-type <type>',
        'FARGATE, EC2 or EXTERNAL',
        launchTypeOption,
      ),
  ).action(async options => {
    exitCode = await runAnalyze(options, io, painter);
  });

  program
    .command('classify')
    .description('classify a CannotPullContainerError message and show the fix')
    .argument(
      '[message]',
      'the message, or "-" to read one message per line from standard input',
    )
    .option('--json', 'print one JSON object per message for machines')
    .action(
      async (message: string | undefined, options: { json?: boolean }) => {
        const json = Boolean(options.json);
        exitCode = await runClassify({
          message,
          json,
          stdin: classifyInput(io),
          stdout: writableTo(text => io.stdout(text, json ? 'json' : 'text')),
          stderr: writableTo(io.stderr),
        });
      },
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
    if (io.interrupted?.aborted) {
      io.stderr('interrupted\n');
      return INTERRUPTED_EXIT_CODE;
    }
    return exitCode;
  } catch (error) {
    if (io.interrupted?.aborted) {
      io.stderr('interrupted\n');
      return INTERRUPTED_EXIT_CODE;
    }
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof InputError) {
      io.stderr(`error: ${error.message}\n`);
      return 2;
    }
    io.stderr(
      `error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
}
