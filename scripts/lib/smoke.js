/*
 * The browser smoke test, run by scripts/lib/smoke.sh once the example app answers.
 *
 * Opens the demo (./scripts/start's: the sandbox's scenario, the sample catalog) in Debian's
 * Chromium (playwright-core, never a downloaded browser), waits until the backend has audited
 * it, signs in as guest, then visits each page below: the catalog, an entity page, the deploy
 * readiness card of the platform-mismatch service (Blocked, with the buildx fix) and of a ready
 * one, the deploy readiness tab (pull-error history), the notification its owners got (the bell,
 * the notifications page, the link to the tab), a re-audit, and the scorecard (filtered to
 * blocked, exported as CSV). A page passes when its expected content shows, its checks hold,
 * and while it loaded there was no uncaught page error, no console error (React's
 * development-mode "Warning: ..." messages aside), no Backstage 404 or error page and no error
 * overlay. One result per page goes to <results>/smoke.json ({ passed, failed, tests }), which
 * scripts/lib/summarize-results.js adds to the closing line; a screenshot per page goes to
 * <results>/smoke-<page>.png. With --docs-images DIR (ECS_READINESS_SCREENSHOTS_DIR=docs/images
 * in smoke.sh), the cards, the notifications page and the scorecard are also saved there for the
 * docs. With --replayed-gate 1 (smoke.sh replays a deployment of the arm64-only storefront image
 * behind the deployment gate), the blocked card must also name the deployment the gate stopped.
 *
 * Usage:
 *   node smoke.js --app URL --backend URL --chromium PATH --profile DIR --results DIR
 *                 [--docs-images DIR] [--replayed-gate 1]
 *   node smoke.js --report-failure "why" --results DIR   (every page failed: the app did not start)
 */
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../..');
const EXPECT_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 10_000;

// The sample entity the catalog and entity checks look for (examples/catalog.yaml).
const SAMPLE_COMPONENT = 'checkout-api';
// The demo's stories (examples/catalog.yaml, examples/demo-scenario.yaml): an arm64-only image
// on an x86_64 Fargate task, and a healthy service pinned by digest.
const BLOCKED_COMPONENT = 'storefront-web';
const READY_COMPONENT = 'checkout-api';
// How long the backend may take, from a cold start, to link the catalog and audit the demo.
const AUDIT_TIMEOUT_MS = 240_000;

const entityPath = name => `/catalog/default/component/${name}`;

// The deploy readiness card (or tab) on an entity page.
const readinessCard = page =>
  page
    .locator('.bui-Card')
    .filter({ has: page.getByTestId('readiness') })
    .first();

// The notification the first audit sent the owners of the platform-mismatch service (the guest
// is a member of every team in examples/catalog.yaml), as a row of the notifications table.
const blockedNotification = page =>
  page.getByRole('row').filter({ hasText: `${BLOCKED_COMPONENT} is blocked` });

// Saves a screenshot of an element for the docs, when asked to (--docs-images DIR).
async function docsImage(context, target, file, options = {}) {
  if (!context.docsImages) return '';
  fs.mkdirSync(context.docsImages, { recursive: true });
  // A locator (a card) or the page.
  await target.screenshot({
    path: path.join(context.docsImages, file),
    animations: 'disabled',
    ...options,
  });
  return `; ${file} written`;
}

// Each page: where it is, what must show on it (a locator), and what else to check once it
// shows. A check throws to fail the page and returns what it saw.
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
    path: entityPath(SAMPLE_COMPONENT),
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
    // The platform-mismatch story: Blocked, and the fix is the buildx command, ready to copy.
    name: 'readiness-blocked',
    path: entityPath(BLOCKED_COMPONENT),
    content: page =>
      page.getByTestId('readiness-status').and(page.locator('[data-status]')),
    check: async (page, context) => {
      const card = readinessCard(page);
      const status = await card.getByTestId('readiness-status').innerText();
      if (!/Blocked/.test(status))
        throw new Error(`status "${status}", not Blocked`);
      const finding = card.getByTestId('finding').first();
      if ((await finding.getAttribute('data-severity')) !== 'blocking') {
        throw new Error('the first finding is not a blocking one');
      }
      if ((await finding.getAttribute('data-check')) !== 'platform-missing') {
        throw new Error(
          `the first finding is ${await finding.getAttribute(
            'data-check',
          )}, not platform-missing`,
        );
      }
      const evidence = await finding.getByTestId('evidence').innerText();
      if (
        !/index platforms: linux\/arm64.*task needs linux\/amd64/.test(evidence)
      ) {
        throw new Error(
          `evidence does not compare platforms: "${evidence.split('\n')[0]}"`,
        );
      }
      const fix = finding.getByTestId('fix');
      await fix.waitFor({ timeout: EXPECT_TIMEOUT_MS });
      await fix
        .getByText(
          /docker buildx build --platform linux\/amd64 --provenance=false/,
        )
        .first()
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      const copyButtons = await fix
        .getByRole('button', { name: /copy/i })
        .count();
      if (copyButtons === 0) throw new Error('the fix has no copy button');
      const confirmed = await finding
        .getByTestId('confirmed-by')
        .innerText()
        .catch(() => 'not confirmed by pull failures (yet)');
      // The gate replay: the deployment the gate stopped, with its cause and fix.
      let gate = '';
      if (context.replayedGate) {
        const stopped = card.locator(
          '[data-testid="rolled-back-deployment"][data-gate="true"]',
        );
        await stopped.first().waitFor({ timeout: EXPECT_TIMEOUT_MS });
        const line = (await stopped.first().innerText())
          .replace(/\s+/g, ' ')
          .trim();
        if (
          !/Deployment of storefront-web:9 was stopped by the deployment gate/.test(
            line,
          ) ||
          !/No linux\/amd64 image/.test(line) ||
          !/Fix: /.test(line)
        ) {
          throw new Error(`the gate's line reads "${line}"`);
        }
        gate = `; "${line.slice(0, 160)}"`;
      }
      const shot = await docsImage(context, card, 'card-blocked.png');
      return `Blocked; platform-missing first (${
        evidence.split('\n')[0]
      }); buildx fix with ${copyButtons} copy buttons; ${confirmed}${gate}${shot}`;
    },
  },
  {
    // The tab: the pull-error history chart and the latest failures, a message expanded.
    name: 'readiness-tab',
    path: `${entityPath(BLOCKED_COMPONENT)}/ecs-deploy-readiness`,
    content: page => page.getByTestId('pull-error-history'),
    check: async page => {
      const history = page.getByTestId('pull-error-history');
      const empty = history.getByText('No pull failures in the last 30 days');
      const total = history.getByTestId('pull-error-total');
      await total.or(empty).first().waitFor({ timeout: EXPECT_TIMEOUT_MS });
      if (await empty.isVisible())
        return 'deploy readiness tab; no pull failure stored yet';
      await history
        .getByTestId('pull-error-chart')
        .locator('.recharts-bar-rectangle')
        .first()
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      const trigger = history
        .getByRole('button', { name: /ago · .* · task / })
        .first();
      await trigger.click();
      const failure = history.getByTestId('pull-error').first();
      await failure.waitFor({ state: 'visible', timeout: EXPECT_TIMEOUT_MS });
      const message = (
        await failure.getByTestId('pull-error-message').innerText()
      ).split('\n')[0];
      return `tab with "${await total.innerText()}", the chart's bars, and an expanded failure: "${message.slice(
        0,
        120,
      )}"`;
    },
  },
  {
    // The bell: the sidebar counts the unread notifications; the page lists the blocked service's
    // with its cause; its link opens the deploy readiness tab (in a new window, as the
    // notifications table opens every absolute link).
    name: 'notifications',
    path: '/notifications',
    content: page => blockedNotification(page),
    check: async (page, context) => {
      const row = blockedNotification(page).first();
      const text = await row.innerText();
      if (!/No linux\/amd64 image/.test(text)) {
        throw new Error(
          `the notification does not name the cause: "${text
            .replace(/\s+/g, ' ')
            .trim()}"`,
        );
      }
      const bell = page.getByRole('link', { name: /^Notifications/ });
      const unread = await bell
        .filter({ hasText: /\d/ })
        .innerText({ timeout: EXPECT_TIMEOUT_MS })
        .then(t => t.match(/\d+/)[0])
        .catch(() => {
          throw new Error('the sidebar shows no unread count');
        });
      const shot = await docsImage(context, page, 'notifications.png');
      const link = row.getByRole('link', {
        name: new RegExp(`^${BLOCKED_COMPONENT} is blocked`),
      });
      const [tab] = await Promise.all([
        page.context().waitForEvent('page', { timeout: EXPECT_TIMEOUT_MS }),
        link.click(),
      ]);
      context.watch(tab);
      try {
        await tab
          .getByTestId('pull-error-history')
          .waitFor({ timeout: EXPECT_TIMEOUT_MS });
        const opened = new URL(tab.url()).pathname;
        const expected = `${entityPath(
          BLOCKED_COMPONENT,
        )}/ecs-deploy-readiness`;
        if (opened !== expected) {
          throw new Error(`the link opened ${opened}, not ${expected}`);
        }
        const status = await readinessCard(tab)
          .getByTestId('readiness-status')
          .innerText();
        if (!/Blocked/.test(status)) {
          throw new Error(`the tab says "${status}", not Blocked`);
        }
        return `${unread} unread in the sidebar; "${text
          .split('\n')
          .map(l => l.trim())
          .filter(Boolean)
          .slice(0, 3)
          .join(' / ')}"; its link opened ${opened} (Blocked)${shot}`;
      } finally {
        await tab.close();
      }
    },
  },
  {
    name: 'readiness-ready',
    path: entityPath(READY_COMPONENT),
    content: page =>
      page.getByTestId('readiness-status').and(page.locator('[data-status]')),
    check: async (page, context) => {
      const card = readinessCard(page);
      const status = await card.getByTestId('readiness-status').innerText();
      if (!/Ready/.test(status))
        throw new Error(`status "${status}", not Ready`);
      await card
        .getByTestId('no-findings')
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      const shot = await docsImage(context, card, 'card-ready.png');
      return `Ready, no findings: "${await card
        .getByTestId('readiness-summary')
        .innerText()}"${shot}`;
    },
  },
  {
    // Re-audit: the run is started and followed, then the readiness is read again.
    name: 'readiness-reaudit',
    path: entityPath(READY_COMPONENT),
    content: page => page.getByRole('button', { name: 'Re-audit now' }),
    check: async page => {
      const card = readinessCard(page);
      let started;
      const readAgain = new Promise(resolve => {
        page.on('response', function onResponse(response) {
          const url = response.url();
          if (/\/audit$/.test(url) && response.request().method() === 'POST') {
            started = response.status();
          } else if (started && /\/readiness$/.test(url) && response.ok()) {
            page.off('response', onResponse);
            resolve();
          }
        });
      });
      await page.getByRole('button', { name: 'Re-audit now' }).click();
      const progress = card.getByTestId('reaudit-progress');
      await progress.waitFor({ timeout: EXPECT_TIMEOUT_MS });
      const during = await progress.innerText();
      await Promise.race([
        readAgain,
        new Promise((_, reject) =>
          setTimeout(
            () =>
              reject(
                new Error('the readiness was not read again after the audit'),
              ),
            EXPECT_TIMEOUT_MS,
          ),
        ),
      ]);
      await progress
        .filter({ hasText: /checked/ })
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      const after = await progress.innerText();
      if (started !== 202)
        throw new Error(`POST …/audit answered ${started}, not 202`);
      const summary = await card.getByTestId('readiness-summary').innerText();
      if (!/last audited (just now|\d+ seconds? ago)/.test(summary)) {
        throw new Error(`not refreshed: "${summary}"`);
      }
      return `"${during}" then "${after}"; summary "${summary}"`;
    },
  },
  {
    // The scorecard: totals, filtered to blocked through the status filter (kept in the URL),
    // and the CSV of that filter.
    name: 'scorecard',
    path: '/ecs-deploy-readiness',
    content: page =>
      page.getByTestId('scorecard-table').getByRole('row').nth(1),
    check: async (page, context) => {
      // The totals load on their own: wait for a number.
      await page
        .getByTestId('total-blocked')
        .filter({ hasText: /^\d+$/ })
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      const blocked = Number(
        await page.getByTestId('total-blocked').innerText(),
      );
      const total =
        (await page.getByTestId('scorecard-table').getByRole('row').count()) -
        1;
      await page
        .getByTestId('scorecard-trend')
        .locator('.recharts-line')
        .first()
        .waitFor({ timeout: EXPECT_TIMEOUT_MS });
      const shot = await docsImage(context, page, 'scorecard.png', {
        fullPage: true,
      });
      // Pick "Blocked" in the status filter.
      await page
        .getByTestId('scorecard-filters')
        .getByRole('button', { name: /Status/ })
        .click();
      await page.getByRole('option', { name: 'Blocked', exact: true }).click();
      await page.keyboard.press('Escape');
      await page.waitForURL(/[?&]status=blocked/, {
        timeout: EXPECT_TIMEOUT_MS,
      });
      const statuses = page
        .getByTestId('scorecard-table')
        .getByTestId('row-status');
      // The table reloads from the server: wait until it shows the blocked entities only.
      let seen = [];
      const deadline = Date.now() + EXPECT_TIMEOUT_MS;
      for (;;) {
        seen = await statuses.evaluateAll(els =>
          els.map(e => e.dataset.status),
        );
        if (seen.length === blocked && seen.every(st => st === 'blocked'))
          break;
        if (Date.now() > deadline) {
          throw new Error(
            `filtered to blocked, the table shows ${seen.length} rows (${[
              ...new Set(seen),
            ].join(', ')}), the total says ${blocked}`,
          );
        }
        await page.waitForTimeout(500);
      }
      const rows = await statuses.count();
      // Export the filter as CSV.
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: EXPECT_TIMEOUT_MS }),
        page.getByRole('button', { name: /Export CSV/ }).click(),
      ]);
      const file = path.join(context.resultsDir, 'smoke-scorecard.csv');
      await download.saveAs(file);
      const [header, ...lines] = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split(/\r?\n/);
      const statusColumn = header.split(',').indexOf('status');
      if (statusColumn < 0)
        throw new Error(`the CSV has no status column: ${header}`);
      const notBlocked = lines.filter(
        l => l.split(',')[statusColumn] !== 'blocked',
      );
      if (lines.length !== blocked || notBlocked.length > 0) {
        throw new Error(
          `the CSV has ${lines.length} rows (${notBlocked.length} not blocked), the filter ${blocked}`,
        );
      }
      return `${total} entities, ${blocked} blocked; filtered to ${rows} blocked rows (${
        new URL(page.url()).search
      }); ${download.suggestedFilename()} with ${
        lines.length
      } blocked rows${shot}`;
    },
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

// A fresh database: the backend links the catalog and audits the demo's shards at start-up.
// Waits (through the API, as a guest) until the entities the pages open have a report, and with
// the gate replay (--replayed-gate 1) until the deployment gate's decision on the blocked
// service's replayed deployment has reached the backend.
async function waitForAudits(backendUrl, replayedGate) {
  const started = Date.now();
  const base = `${backendUrl}/api/ecs-deploy-readiness/entities/component/default`;
  let last = '';
  while (Date.now() - started < AUDIT_TIMEOUT_MS) {
    try {
      const auth = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      const token = (await auth.json()).backstageIdentity?.token;
      const statuses = await Promise.all(
        [BLOCKED_COMPONENT, READY_COMPONENT].map(async name => {
          const r = await fetch(`${base}/${name}/readiness`, {
            headers: { Authorization: `Bearer ${token}` },
          });
          if (!r.ok) return `HTTP ${r.status}`;
          const body = await r.json();
          const stopped = (body.services ?? []).some(service =>
            (service.gateDecisions ?? []).some(d => d.hookStatus === 'FAILED'),
          );
          return `${body.status}${
            stopped ? ', a deployment stopped by the gate' : ''
          }`;
        }),
      );
      last = statuses.join(', ');
      const gateReported =
        !replayedGate || /stopped by the gate/.test(statuses[0]);
      if (statuses.every(s => !s.startsWith('HTTP')) && gateReported) {
        return `the demo was audited ${Math.round(
          (Date.now() - started) / 1000,
        )} s after the app answered (${BLOCKED_COMPONENT}: ${
          statuses[0]
        }, ${READY_COMPONENT}: ${statuses[1]})`;
      }
    } catch (e) {
      last = e.message;
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
  return `the demo was not audited within ${
    AUDIT_TIMEOUT_MS / 1000
  } s (last: ${last}); the readiness pages will fail`;
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

async function visit(page, appUrl, context, spec, events) {
  const { resultsDir } = context;
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
      detail += await spec.check(page, context);
    } catch (e) {
      problems.push(
        `expected content did not show, or a check failed: ${
          e.message.split('\n')[0]
        }`,
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
    acceptDownloads: true,
  });
  const tests = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const events = [];
    // Records a page's uncaught errors and console errors as the current visit's (also of a
    // window a check opens).
    const watch = target => {
      target.on('pageerror', error => {
        events.push(
          `uncaught page error: ${
            String(error.message ?? error).split('\n')[0]
          }`,
        );
      });
      target.on('console', message => {
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
    };
    watch(page);
    const checkContext = {
      resultsDir,
      watch,
      replayedGate: args['replayed-gate'] === '1',
      docsImages: args['docs-images']
        ? path.resolve(args['docs-images'])
        : undefined,
    };
    console.log(
      `smoke: ${await waitForAudits(args.backend, checkContext.replayedGate)}`,
    );
    for (const spec of PAGES) {
      tests.push(await visit(page, args.app, checkContext, spec, events));
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
