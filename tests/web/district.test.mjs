// Browser tests of the district office's page, against the real `loa district --config` and
// Debian's Chromium (run as page.test.mjs is: LOA_BINARY=... node --test tests/web/district.test.mjs).
//
// The district's database is filled by the district's own tool: `loa district push` records a
// signed campaign; what the stations would send up is not needed for the states (a commune never
// heard from is "Chưa từng liên lạc"), and the report lists every commune of a pushed campaign
// with zeros. No broker: the daemon keeps retrying it in the background while the page answers.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import {chromium} from 'playwright-core';

const CHROMIUM = process.env.LOA_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--mute-audio'];
const VIEWER = {name: 'chi', password: 'mat-khau-huyen-1'};
const WAIT = 10000;

let dir;
let server;
let serverLog = '';
let base;
let browser;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function loa(args, input) {
  const r = spawnSync(process.env.LOA_BINARY, args, {cwd: dir, input, encoding: 'utf8', timeout: 20000});
  assert.equal(r.status, 0, `loa ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function writeDistrict(port) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loa-web-district-'));
  fs.writeFileSync(path.join(dir, 'district.yaml'), [
    'district:',
    '  id: lap-vo',
    '  name: "Huyện Lấp Vò"',
    '  broker: mqtts://127.0.0.1:1',
    '  credentials: district-account.yaml',
    '  database: state/district.db',
    '  key: keys/lap-vo.key',
    'communes:',
    '  - {id: xa-my-an, name: "Xã Mỹ An"}',
    '  - {id: xa-binh-thanh, name: "Xã Bình Thạnh"}',
    'control:',
    `  listen: 127.0.0.1:${port}`,
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'ca.pem'), 'not used: no broker answers\n');
  fs.writeFileSync(path.join(dir, 'district-account.yaml'), 'user: district-lap-vo\npassword: pw\nca: ca.pem\n', {mode: 0o600});
  fs.mkdirSync(path.join(dir, 'campaign'));
  fs.writeFileSync(path.join(dir, 'campaign', 'programme.yaml'), [
    'programmes:',
    '  - id: lua-dao',
    '    title: "Cảnh giác lừa đảo qua mạng"',
    '    zones: all',
    '    slots:',
    '      - {at: "06:00", days: [mon], play: [canh-bao.mp3]}',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'campaign', 'canh-bao.mp3'), Buffer.alloc(2000, 7));
  fs.writeFileSync(path.join(dir, 'campaign', 'lua-dao.yaml'), [
    'campaign: lua-dao',
    'version: 1',
    'valid_from: 2026-01-01',
    'valid_until: 2030-12-31',
    'programme: programme.yaml',
    'clips: [canh-bao.mp3]',
    '',
  ].join('\n'));
}

before(async () => {
  assert.ok(process.env.LOA_BINARY, 'set LOA_BINARY to the loa executable');
  process.env.LOA_BINARY = path.resolve(process.env.LOA_BINARY);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  writeDistrict(port);
  loa(['key', 'new', 'lap-vo', '--dir', 'keys']);
  loa(['district', 'push', '--config', 'district.yaml', 'campaign/lua-dao.yaml']);
  loa(['user', 'add', VIEWER.name, '--role', 'viewer', '--district-config', 'district.yaml'], `${VIEWER.password}\n`);
  server = spawn(process.env.LOA_BINARY, ['district', '--config', 'district.yaml'], {cwd: dir, stdio: ['ignore', 'pipe', 'pipe']});
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const deadline = Date.now() + 15000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`loa district ended (${server.exitCode}):\n${serverLog}`);
    try {
      const r = await fetch(`${base}/api/session`);
      await r.text();
      assert.equal(r.status, 401);
      break;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`loa district did not answer on ${base}:\n${serverLog}`);
      await sleep(100);
    }
  }
  browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS});
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    const ended = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([ended, sleep(5000)]);
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
  if (process.env.LOA_WEB_KEEP) console.log(`district kept in ${dir}\n${serverLog}`);
  else if (dir) fs.rmSync(dir, {recursive: true, force: true});
});

// LOA_WEB_SHOTS=DIR keeps screenshots of the page, for looking at it.
async function shot(page, name) {
  if (!process.env.LOA_WEB_SHOTS) return;
  fs.mkdirSync(process.env.LOA_WEB_SHOTS, {recursive: true});
  await page.screenshot({path: path.join(process.env.LOA_WEB_SHOTS, `${name}.png`), fullPage: true});
}

async function openPage({width = 1280, height = 900, clockAt = null} = {}) {
  const context = await browser.newContext({baseURL: base, viewport: {width, height}, timezoneId: 'UTC'});
  context.setDefaultTimeout(WAIT);
  if (clockAt) await context.clock.setFixedTime(new Date(clockAt));
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto('/');
  await page.fill('#login-name', VIEWER.name);
  await page.fill('#login-password', VIEWER.password);
  await page.click('#login-submit');
  await page.locator('body.signed-in').waitFor();
  return page;
}

test('district: a viewer logs in and sees the communes, the campaign\'s reach and the report, in Vietnamese', async () => {
  const page = await openPage();
  await page.locator('#screen-district').waitFor();
  assert.equal(await page.locator('#tabs').isVisible(), false, 'the station\'s tabs are not shown');
  assert.equal(await page.textContent('#station-name'), 'Huyện Lấp Vò');
  const rows = page.locator('[data-testid="commune-row"]');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  const first = rows.nth(0);
  assert.match(await first.textContent(), /Xã Mỹ An/);
  assert.match(await first.textContent(), /Chưa từng liên lạc/, 'never heard from, in Vietnamese');
  assert.equal(await first.getAttribute('data-state'), 'unknown');
  const reach = page.locator('[data-testid="reach-row"][data-campaign="lua-dao"]');
  assert.match(await reach.textContent(), /0\/2 xã/, 'no commune holds the pushed version yet');

  await page.fill('#district-from', '2026-01-01');
  await page.fill('#district-to', '2030-12-31');
  await page.click('#district-report-show');
  const reportRows = page.locator('[data-testid="report-row"]');
  await reportRows.first().waitFor();
  assert.equal(await reportRows.count(), 2, 'one row per commune of the pushed campaign');
  assert.match(await reportRows.nth(1).textContent(), /Xã Bình Thạnh/);
  assert.match(await page.textContent('#district-report-total'), /Từ 2026-01-01 đến 2030-12-31/);

  const href = await page.getAttribute('#district-csv', 'href');
  const csv = await page.request.get(href);
  assert.equal(csv.status(), 200);
  const bytes = await csv.body();
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the CSV starts with a BOM');
  assert.match(bytes.toString('utf8'), /Xã Bình Thạnh/);

  await page.fill('#district-from', '2030-12-31');
  await page.fill('#district-to', '2026-01-01');
  await page.click('#district-report-show');
  await page.locator('#district-report-msg').waitFor();
  assert.match(await page.textContent('#district-report-msg'), /ngày cuối \(2026-01-01\) ở trước ngày đầu/);

  await shot(page, 'district');
  await page.click('#lang-switch');
  await page.locator('text=Never heard from').first().waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('district: the report\'s period runs to today in the district, not in the browser\'s UTC', async () => {
  // 20:30 UTC on 30 June is 03:30 on 1 July in Vietnam: the second half-year has begun there.
  const page = await openPage({clockAt: '2026-06-30T20:30:00Z'});
  await page.locator('[data-testid="commune-row"]').first().waitFor();
  assert.equal(await page.inputValue('#district-to'), '2026-07-01');
  assert.equal(await page.inputValue('#district-from'), '2026-07-01');
  assert.match(await page.getAttribute('#district-csv', 'href'), /from=2026-07-01&to=2026-07-01/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('district: on a 360 px phone nothing is wider than the screen', async () => {
  const page = await openPage({width: 360, height: 740});
  await page.locator('[data-testid="commune-row"]').first().waitFor();
  await shot(page, 'district-phone');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the page is ${wide} px wide`);
  await page.context().close();
});
