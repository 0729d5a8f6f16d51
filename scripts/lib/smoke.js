/*
 * The browser smoke test, run by scripts/lib/smoke.sh once the example app answers.
 *
 * Opens the example app in Debian's Chromium (playwright-core, never a downloaded browser),
 * signs in as guest, then visits each page below. A page passes when its expected content shows
 * and, while it loaded, there was no uncaught page error, no console error (React's
 * development-mode "Warning: ..." messages aside), no Backstage 404 or error page and no error
 * overlay. One result per page goes to <results>/smoke.json ({ passed, failed, tests }), which
 * scripts/lib/summarize-results.js adds to the closing line; a screenshot per page goes to
 * <results>/smoke-<page>.png.
 *
 * Usage:
 *   node smoke.js --app URL --backend URL --chromium PATH --profile DIR --results DIR
 *   node smoke.js --report-failure "why" --results DIR   (every page failed: the app did not start)
 */
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../..');
const EXPECT_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 10_000;

// The sample entity the catalog and entity checks look for (examples/catalog.yaml).
const SAMPLE_COMPONENT = 'checkout-api';

// Each page: where it is, what must show on it (a locator), and what else to check once it shows.
const PAGES = [
  {
    name: 'home',
    path: '/',
    // The home must lead somewhere useful: the catalog with the sample entities.
    content: page =>
      page.getByRole('row').filter({ hasText: SAMPLE_COMPONENT }),
    check: async page => `landed on ${new URL(page.url()).pathname}`,
  },
  {
    name: 'catalog',
    path: '/catalog',
    content: page =>
      page.getByRole('row').filter({ hasText: SAMPLE_COMPONENT }),
    check: async page =>
      `catalog table with ${await page.getByRole('row').count()} rows`,
  },
  {
    name: 'entity',
    path: `/catalog/default/component/${SAMPLE_COMPONENT}`,
    content: page => page.getByRole('heading', { name: SAMPLE_COMPONENT }),
    check: async page => {
      await page
        .getByText('About', { exact: true })
        .first()
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      // Starring goes through the app's storage API (user settings backend and signals), the
      // path that used to crash this page: star the entity, then reload and see it kept.
      await page.getByRole('button', { name: 'Add to favorites' }).click();
      await page
        .getByRole('button', { name: 'Remove from favorites' })
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page
        .getByRole('button', { name: 'Remove from favorites' })
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      return `entity page of ${SAMPLE_COMPONENT} with its About card; starred, still starred after a reload`;
    },
  },
  {
    name: 'ecs-deploy-readiness',
    path: '/ecs-deploy-readiness',
    content: page => page.getByText('Backend status: ok'),
    check: async () => 'readiness page, backend status ok',
  },
];

// Text that only shows when something is broken.
const ERROR_TEXTS = [
  [/Looks like someone dropped the mic!/, "Backstage's 404 page"],
  [/ERROR \d{3}: [A-Z ]+/, "Backstage's ErrorPage"],
  [
    /Error in [\w-]+/,
    "an extension's error display (ErrorPanel 'Error in <plugin>')",
  ],
  [/Uncaught runtime errors/i, 'the dev server error overlay'],
];

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    args[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  return args;
}

function writeReport(resultsDir, tests) {
  const passed = tests.filter(t => t.status === 'passed').length;
  const failed = tests.length - passed;
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(
    path.join(resultsDir, 'smoke.json'),
    `${JSON.stringify(
      { suite: 'browser smoke test', passed, failed, skipped: 0, tests },
      null,
      2,
    )}\n`,
  );
  for (const t of tests) {
    const mark = t.status === 'passed' ? 'PASS' : 'FAIL';
    console.log(
      `smoke: ${mark} ${t.name} (${t.path})${t.detail ? `: ${t.detail}` : ''}`,
    );
    for (const problem of t.problems) console.log(`    - ${problem}`);
  }
  console.log(
    `smoke: ${passed} passed, ${failed} failed (report: ${path.relative(
      REPO_ROOT,
      resultsDir,
    )}/smoke.json)`,
  );
  return failed === 0;
}

function isReactDevWarning(text) {
  return /^Warning: /.test(text);
}

// The overlay webpack-dev-server draws over the page on an uncaught runtime error.
async function overlayText(page) {
  const overlay = page
    .frames()
    .find(f => f.name() === 'webpack-dev-server-client-overlay');
  const element = await page.$('#webpack-dev-server-client-overlay');
  if (!overlay && !element) return undefined;
  const frame = overlay ?? (await element.contentFrame());
  const text = frame
    ? await frame
        .locator('body')
        .innerText()
        .catch(() => '')
    : '';
  return text.trim() || '(overlay shown)';
}

async function visit(page, appUrl, resultsDir, spec, events) {
  const problems = [];
  let detail = '';
  events.length = 0;
  try {
    await page.goto(new URL(spec.path, appUrl).toString(), {
      waitUntil: 'domcontentloaded',
    });
    // The sign-in page shows on the first visit (or again if the session was lost).
    const enter = page.getByRole('button', { name: /^enter$/i });
    const content = spec.content(page).first();
    try {
      await enter.or(content).first().waitFor({ timeout: EXPECT_TIMEOUT_MS });
      if (await enter.isVisible()) {
        await enter.click();
        detail = 'signed in as guest; ';
        await content.waitFor({ timeout: EXPECT_TIMEOUT_MS });
      }
      detail += await spec.check(page);
    } catch (e) {
      problems.push(
        `expected content did not show: ${e.message.split('\n')[0]}`,
      );
    }
    await page
      .waitForLoadState('networkidle', { timeout: SETTLE_TIMEOUT_MS })
      .catch(() => {});
    const body = await page
      .locator('body')
      .innerText()
      .catch(() => '');
    for (const [pattern, what] of ERROR_TEXTS) {
      const match = body.match(pattern);
      if (match) problems.push(`page shows ${what}: "${match[0]}"`);
    }
    const overlay = await overlayText(page);
    if (overlay)
      problems.push(
        `error overlay: ${overlay.replace(/\s+/g, ' ').slice(0, 400)}`,
      );
  } catch (e) {
    problems.push(`could not load: ${e.message.split('\n')[0]}`);
  }
  // The same error is often thrown once per render attempt: say it once, with a count.
  const counts = new Map();
  for (const event of events) counts.set(event, (counts.get(event) ?? 0) + 1);
  for (const [event, n] of counts)
    problems.push(n > 1 ? `${event} (${n} times)` : event);
  const screenshot = path.join(resultsDir, `smoke-${spec.name}.png`);
  await page.screenshot({ path: screenshot, fullPage: true }).catch(e => {
    problems.push(`no screenshot: ${e.message.split('\n')[0]}`);
  });
  return {
    name: spec.name,
    path: spec.path,
    url: page.url(),
    status: problems.length ? 'failed' : 'passed',
    detail,
    problems,
    screenshot: path.relative(REPO_ROOT, screenshot),
  };
}

// Every page failed: the app did not start, or the browser could not be driven.
function reportAllFailed(resultsDir, reason) {
  const tests = PAGES.map(p => ({
    name: p.name,
    path: p.path,
    status: 'failed',
    detail: '',
    problems: [`not run: ${reason}`],
  }));
  writeReport(resultsDir, tests);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const resultsDir = path.resolve(args.results);
  if (args['report-failure']) {
    reportAllFailed(resultsDir, args['report-failure']);
    process.exit(1);
  }

  // playwright-core is a dev dependency of the example app.
  const { chromium } = require(require.resolve('playwright-core', {
    paths: [path.join(REPO_ROOT, 'packages/app')],
  }));
  fs.mkdirSync(args.profile, { recursive: true });
  const context = await chromium.launchPersistentContext(args.profile, {
    executablePath: args.chromium,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const tests = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const events = [];
    page.on('pageerror', error => {
      events.push(
        `uncaught page error: ${String(error.message ?? error).split('\n')[0]}`,
      );
    });
    page.on('console', message => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (isReactDevWarning(text)) return;
      const where = message.location()?.url
        ? ` (${message.location().url})`
        : '';
      events.push(
        `console error: ${text.split('\n')[0].slice(0, 400)}${where}`,
      );
    });
    for (const spec of PAGES) {
      tests.push(await visit(page, args.app, resultsDir, spec, events));
    }
  } finally {
    await context.close().catch(() => {});
  }
  process.exit(writeReport(resultsDir, tests) ? 0 : 1);
}

main().catch(e => {
  console.error(`smoke: ${e.stack ?? e}`);
  const args = parseArgs(process.argv.slice(2));
  if (args.results)
    reportAllFailed(path.resolve(args.results), String(e.message ?? e));
  process.exit(1);
});
