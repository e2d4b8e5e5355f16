// Browser tests of loa's control page, against the real `loa run --listen` and Debian's Chromium.
//
//   cd tests/web && npm ci            # once: playwright-core (no browser is downloaded)
//   LOA_BINARY=build/release/app/loa node --test tests/web/page.test.mjs
//
// The test builds its own station in a temporary folder (three zones, one programme with a slot a
// few minutes from now, WAV clips written here), adds an operator and a viewer with `loa user add`,
// starts `loa run --output null --listen 127.0.0.1:PORT`, and drives the page with Chromium.

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
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--mute-audio'];

const OPERATOR = {name: 'lan', password: 'mat-khau-van-hanh-1'};
const VIEWER = {name: 'hoa', password: 'mat-khau-chi-xem-2'};
const AP2_OPERATOR = {name: 'tuan', password: 'mat-khau-ap-hai-3'};  // zones: ap-2 only
const PROGRAMME_FILE = 'thong-bao';
const PROGRAMME_ID = 'thong-bao-thu';
const PROGRAMME_TITLE = 'Thông báo thử nghiệm';
const ZONES = [{id: 'ap-1', name: 'Ấp 1'}, {id: 'ap-2', name: 'Ấp 2'}, {id: 'cho', name: 'Chợ'}];
const WAIT = 10000;  // the longest any single wait may take

let dir;          // the station's folder
let server;       // the loa run process
let serverLog = '';
let base;         // http://127.0.0.1:PORT
let browser;
let slot;         // {date, time} of the programme's slot, station time
let programmeText;

// ---------------------------------------------------------------------------------------------
// The station

// A 16-bit PCM mono WAV of a sine.
function wav(seconds, {rate = 22050, freq = 440} = {}) {
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);          // PCM
  buf.writeUInt16LE(1, 22);          // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * freq * i) / rate) * 0.3 * 32767), 44 + i * 2);
  }
  return buf;
}

const pad = (n) => String(n).padStart(2, '0');

// The station's clock (Asia/Ho_Chi_Minh is UTC+7 all year).
function stationTime(ms) {
  const d = new Date(ms + 7 * 3600 * 1000);
  return {date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`};
}

function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

// A slot a few minutes from now, today; just before midnight, one earlier today instead.
function chooseSlot() {
  const now = stationTime(Date.now());
  const later = stationTime(Date.now() + 4 * 60 * 1000);
  return later.date === now.date ? later : {date: now.date, time: '00:05'};
}

function programmeYaml(time, date, title = PROGRAMME_TITLE) {
  return [
    'programmes:',
    `  - id: ${PROGRAMME_ID}`,
    `    title: "${title}"`,
    '    priority: normal',
    '    zones: all',
    '    slots:',
    `      - at: "${time}"`,              // line 7
    `        dates: [${date}]`,
    '        play: [tin-thu.wav]',
    '',
  ].join('\n');
}

function writeStation() {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loa-web-'));
  fs.mkdirSync(path.join(dir, 'clips'));
  fs.mkdirSync(path.join(dir, 'programmes'));
  fs.mkdirSync(path.join(dir, 'state'));
  fs.writeFileSync(path.join(dir, 'station.yaml'), [
    'station:',
    '  name: "Đài truyền thanh xã Thử Nghiệm"',
    '  timezone: Asia/Ho_Chi_Minh',
    '  clips: clips/',
    '  include: [programmes/*.yaml]',
    '  state: state/',
    'audio:',
    '  output: null',
    '  loudness: off',
    // Speaking live opens it; without a JACK server (or with nobody playing into it) it is
    // silence, which the meter shows as such.
    '  inputs: [{id: mic, device: jack, channel: 1}]',
    'zones:',
    ...ZONES.flatMap((z, i) => [`  - id: ${z.id}`, `    name: "${z.name}"`, `    channel: ${i + 1}`]),
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'clips', 'tin-thu.wav'), wav(4));
  fs.writeFileSync(path.join(dir, 'clips', 'canh-bao.wav'), wav(30, {freq: 880}));
  slot = chooseSlot();
  programmeText = programmeYaml(slot.time, slot.date);
  fs.writeFileSync(path.join(dir, 'programmes', `${PROGRAMME_FILE}.yaml`), programmeText);
  // Two broadcasts a minute apart on one zone, and one tomorrow.
  fs.writeFileSync(path.join(dir, 'programmes', 'lich-khac.yaml'), [
    'programmes:',
    ...['gan-1', 'gan-2'].flatMap((id, i) => [`  - id: ${id}`, '    zones: [ap-1]', '    slots:',
      `      - {at: "03:0${i}", dates: [${slot.date}], play: [tin-thu.wav]}`]),
    '  - id: ngay-mai',
    '    title: "Họp dân ngày mai"',
    '    zones: [cho]',
    '    slots:',
    `      - {at: "06:00", dates: [${nextDay(slot.date)}], play: [tin-thu.wav]}`,
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'programmes', 'san-sang.yaml'), [
    'programmes:',
    '  - id: bao-chay',
    '    title: "Báo cháy"',
    '    priority: emergency',
    '    zones: [ap-1, cho]',
    '    on_demand: true',
    '    play: [canh-bao.wav]',
    '  - id: tre-lac',
    '    title: "Tìm trẻ lạc"',
    '    priority: high',
    '    zones: [ap-2]',
    '    on_demand: true',
    '    play: [tin-thu.wav]',
    '',
  ].join('\n'));
}

function loa(args, input) {
  const r = spawnSync(process.env.LOA_BINARY, args, {input, encoding: 'utf8', timeout: 20000});
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

async function waitForServer() {
  const deadline = Date.now() + 15000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`loa run ended (${server.exitCode}):\n${serverLog}`);
    try {
      const r = await fetch(`${base}/api/session`);
      await r.text();
      return r.status;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`loa run did not answer on ${base}:\n${serverLog}`);
      await sleep(100);
    }
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stopServer() {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
}

before(async () => {
  assert.ok(process.env.LOA_BINARY, 'set LOA_BINARY to the loa executable');
  process.env.LOA_BINARY = path.resolve(process.env.LOA_BINARY);
  assert.ok(fs.existsSync(process.env.LOA_BINARY), `no file ${process.env.LOA_BINARY}`);
  writeStation();
  const config = path.join(dir, 'station.yaml');
  loa(['user', 'add', OPERATOR.name, '--role', 'operator', '--config', config], `${OPERATOR.password}\n`);
  loa(['user', 'add', VIEWER.name, '--role', 'viewer', '--config', config], `${VIEWER.password}\n`);
  loa(['user', 'add', AP2_OPERATOR.name, '--role', 'operator', '--zones', 'ap-2', '--config', config],
    `${AP2_OPERATOR.password}\n`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.env.LOA_BINARY, ['run', '--config', config, '--output', 'null', '--listen', `127.0.0.1:${port}`,
    '--max-upload-mb', '1'],
    {stdio: ['ignore', 'pipe', 'pipe']});
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  process.on('exit', stopServer);
  assert.equal(await waitForServer(), 401, 'GET /api/session without a session answers 401');
  browser = await chromium.launch({executablePath: CHROMIUM, args: CHROMIUM_ARGS});
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server && server.exitCode === null) {
    const ended = new Promise((r) => server.once('exit', r));
    stopServer();
    await Promise.race([ended, sleep(5000)]);
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
  if (process.env.LOA_WEB_KEEP) console.log(`station kept in ${dir}\n${serverLog}`);
  else if (dir) fs.rmSync(dir, {recursive: true, force: true});
});

// ---------------------------------------------------------------------------------------------
// Page helpers

// A fresh browser context (own cookies and storage); console errors (a CSP violation among them)
// are collected in page.problems.
async function openPage({width = 1280, height = 900} = {}) {
  const context = await browser.newContext({baseURL: base, viewport: {width, height}});
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.problems = [];
  // (The browser also logs every 4xx answer, such as the 401 before logging in: not a problem.)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto('/');
  return page;
}

async function login(page, user) {
  await page.fill('#login-name', user.name);
  await page.fill('#login-password', user.password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/login'));
  await page.click('#login-submit');
  assert.equal((await answer).status(), 200, 'the login is accepted');
  await page.locator('body.signed-in').waitFor();
  await page.locator('[data-testid="zone-ap-1"]').waitFor({state: 'attached'});
}

async function loggedInPage(user = OPERATOR, opts) {
  const page = await openPage(opts);
  await login(page, user);
  return page;
}

async function closePage(page) {
  await page.context().close();
}

// The API as the page's session sees it (same cookies).
async function apiGet(page, url) {
  const r = await page.request.get(url);
  const text = await r.text();
  let data = text;
  try { data = JSON.parse(text); } catch (e) { /* not JSON */ }
  return {status: r.status(), data, text};
}

async function until(what, fn, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(200);
  }
}

// LOA_WEB_SHOTS=DIR keeps screenshots of the screens, for looking at the page.
async function shot(page, name) {
  if (!process.env.LOA_WEB_SHOTS) return;
  fs.mkdirSync(process.env.LOA_WEB_SHOTS, {recursive: true});
  await page.screenshot({path: path.join(process.env.LOA_WEB_SHOTS, `${name}.png`), fullPage: true});
}

function cspProblems(page) {
  return page.problems.filter((p) => /Content Security Policy|Refused to/i.test(p));
}

// ---------------------------------------------------------------------------------------------
// Tests

test('login: a wrong password shows the server\'s error in Vietnamese; the right one opens the page; logout', async () => {
  const page = await openPage();
  try {
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    assert.equal((await page.textContent('#login-submit')).trim(), 'Đăng nhập');
    assert.equal(await page.locator('#tabs').isVisible(), false, 'no menu before logging in');

    await page.fill('#login-name', OPERATOR.name);
    await page.fill('#login-password', 'sai-mat-khau');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/login'));
    await page.click('#login-submit');
    const answer = await refused;
    assert.equal(answer.status(), 401);
    const {error, code} = await answer.json();
    assert.ok(error, 'the server says why');
    assert.equal(code, 'login.wrong', 'with the code of its message');
    await page.locator('#login-error').waitFor();
    const said = await page.textContent('#login-error');
    assert.ok(said.includes('sai tên hoặc mật khẩu'), `the page says it in Vietnamese: ${said}`);
    assert.ok(!said.includes(error), `not in the server's English: ${said}`);
    await shot(page, 'login-error');
    assert.equal(await page.locator('body.signed-in').count(), 0);

    await login(page, OPERATOR);
    assert.match(await page.textContent('#user-badge'), /lan/);
    assert.equal(await page.locator('#login-form').isVisible(), false);
    assert.equal(await page.locator('[data-testid^="zone-"]').count(), ZONES.length, 'one card per zone');
    assert.match(await page.textContent('[data-testid="zone-cho"]'), /Chợ/);
    assert.match(await page.textContent('#station-name'), /Thử Nghiệm/);
    assert.deepEqual(cspProblems(page), [], 'the page breaks no rule of the Content-Security-Policy');
    assert.deepEqual(page.problems, [], 'no error in the console');

    const out = page.waitForResponse((r) => r.url().endsWith('/api/logout'));
    await page.click('#logout');
    assert.equal((await out).status(), 200);
    await page.locator('#login-form').waitFor();
    assert.equal((await apiGet(page, '/api/session')).status, 401, 'the session is closed on the server');
  } finally {
    await closePage(page);
  }
});

test('timeline: today\'s plan shows the programme as a block in each zone\'s row', async () => {
  const page = await loggedInPage();
  try {
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.locator('svg').waitFor();
    const blocks = timeline.locator(`[data-testid="block-${PROGRAMME_ID}"]`);
    await blocks.first().waitFor({state: 'attached'});
    assert.equal(await blocks.count(), ZONES.length, 'one block per zone of the broadcast');
    const tip = await blocks.first().locator('title').textContent();
    assert.ok(tip.includes(PROGRAMME_TITLE), `the tooltip names the programme: ${tip}`);
    assert.ok(tip.includes(slot.time), `the tooltip gives the time ${slot.time}: ${tip}`);
    if (slot.time !== '00:05') {
      assert.equal(await blocks.first().getAttribute('data-status'), 'upcoming', 'a broadcast to come is neutral');
    }
    // Rows and hour ticks: a row per zone, 24 hours, and the "now" line.
    assert.equal(await timeline.locator('.timeline-label').count(), ZONES.length);
    assert.ok(await timeline.locator('.hour-label').count() >= 12);
    assert.equal(await timeline.locator('[data-testid="now-line"]').count(), 1);
    const missedColour = await page.evaluate(() =>
      getComputedStyle(document.querySelector('.legend-item.st-missed .legend-swatch')).backgroundColor);
    assert.equal(missedColour, 'rgb(224, 0, 0)', 'missed broadcasts are red');
    // The block sits where its time is: x / width of the day = minutes / 1440.
    const geometry = await page.evaluate((id) => {
      const svg = document.querySelector('[data-testid="timeline"] svg');
      const rect = document.querySelector(`[data-testid="block-${id}"] rect`);
      return {x: +rect.getAttribute('x'), width: +svg.getAttribute('width')};
    }, PROGRAMME_ID);
    const [h, m] = slot.time.split(':').map(Number);
    assert.ok(Math.abs(geometry.x / geometry.width - (h * 60 + m) / 1440) < 0.002, 'block at its time of day');
    // The next broadcasts list it too.
    if (slot.time !== '00:05') await page.locator(`[data-testid="next-${PROGRAMME_ID}"]`).waitFor();
    await shot(page, 'status');
  } finally {
    await closePage(page);
  }
});

test('programmes: an error is marked at its line and changes nothing; the fix is saved', async () => {
  const page = await loggedInPage();
  try {
    await page.click('#tab-programmes');
    await page.click(`[data-testid="programme-${PROGRAMME_FILE}"]`);
    await page.waitForFunction((id) => document.getElementById('editor').value.includes(id), PROGRAMME_ID);
    const onServer = await apiGet(page, `/api/programmes/${PROGRAMME_FILE}`);
    assert.equal(onServer.status, 200);
    assert.equal(await page.inputValue('#editor'), onServer.text, 'the editor holds the file as it is');
    assert.equal(await page.locator('#editor-gutter .gutter-line').count(), onServer.text.split('\n').length);

    // A time that does not exist, on line 7.
    const broken = onServer.text.replace(`at: "${slot.time}"`, 'at: "25:99"');
    assert.notEqual(broken, onServer.text);
    await page.fill('#editor', broken);
    const put = page.waitForResponse((r) => r.url().includes(`/api/programmes/${PROGRAMME_FILE}`) && r.request().method() === 'PUT');
    await page.click('#editor-save');
    const answer = await put;
    assert.equal(answer.status(), 422);
    const {errors, code} = await answer.json();
    assert.equal(code, 'programme.save.invalid_one');
    assert.ok(errors.some((e) => e.line === 7 && e.code === 'yaml.bad_value'), `the server places an error on line 7, with its code: ${JSON.stringify(errors)}`);
    await page.locator('#editor-gutter .error-line').first().waitFor();
    const marked = await page.locator('#editor-gutter .error-line').evaluateAll((n) => n.map((x) => x.dataset.line));
    assert.ok(marked.includes('7'), `line 7 is marked in the gutter (marked: ${marked})`);
    const problem = page.locator('[data-testid="editor-problem"]').filter({hasText: /Dòng 7, cột \d+/});
    assert.equal(await problem.count() >= 1, true, 'the list says "Dòng 7, cột N: ..."');
    const said = await problem.first().textContent();
    assert.ok(said.includes("'25:99' không phải là giờ trong ngày"), `loa check's message in Vietnamese: ${said}`);
    assert.ok(!said.includes('is not a time of day'), `and not in English: ${said}`);
    assert.match(await page.textContent('#editor-msg'), /chương trình có 1 lỗi; chưa thay đổi gì/, 'the refusal in Vietnamese');
    await page.click('#lang-switch');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="editor-problem"]')].some((n) => n.textContent.includes('is not a time of day')));
    await page.click('#lang-switch');
    assert.equal(await page.inputValue('#editor'), broken, 'what the operator typed is kept');
    await shot(page, 'editor-error');
    assert.equal((await apiGet(page, `/api/programmes/${PROGRAMME_FILE}`)).text, onServer.text, 'nothing changed on the server');

    // Clicking the problem puts the cursor on line 7.
    await problem.first().click();
    const cursorLine = await page.evaluate(() => {
      const ed = document.getElementById('editor');
      return ed.value.slice(0, ed.selectionStart).split('\n').length;
    });
    assert.equal(cursorLine, 7);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'editor');

    // The fix, with a new title, is saved and reloaded.
    const fixed = programmeYaml(slot.time, slot.date, 'Thông báo thử nghiệm (đã sửa)');
    await page.fill('#editor', fixed);
    const put2 = page.waitForResponse((r) => r.url().includes(`/api/programmes/${PROGRAMME_FILE}`) && r.request().method() === 'PUT');
    await page.click('#editor-save');
    assert.equal((await put2).status(), 200);
    await page.locator('#editor-msg.msg-ok').waitFor();
    assert.equal(await page.locator('#editor-gutter .error-line').count(), 0, 'no line is marked any more');
    assert.equal(await page.locator('#editor-dirty').isVisible(), false);
    assert.equal((await apiGet(page, `/api/programmes/${PROGRAMME_FILE}`)).text, fixed, 'the server has the new file');
    programmeText = fixed;
  } finally {
    await closePage(page);
  }
});

test('programmes: when the session ends, what was typed survives logging in again', async () => {
  const page = await loggedInPage();
  try {
    await page.click('#tab-programmes');
    await page.click(`[data-testid="programme-${PROGRAMME_FILE}"]`);
    await page.waitForFunction((id) => document.getElementById('editor').value.includes(id), PROGRAMME_ID);
    const typed = `${await page.inputValue('#editor')}# một dòng ghi chú chưa lưu\n`;
    await page.fill('#editor', typed);
    await page.context().clearCookies();  // as if the session had expired
    const put = page.waitForResponse((r) => r.url().includes(`/api/programmes/${PROGRAMME_FILE}`) && r.request().method() === 'PUT');
    await page.click('#editor-save');
    assert.equal((await put).status(), 401);
    await page.locator('#login-form').waitFor();
    assert.ok((await page.textContent('#login-error')).length > 0, 'the page says why it asks again');
    await login(page, OPERATOR);
    await page.locator('#editor').waitFor();
    assert.equal(await page.inputValue('#editor'), typed, 'the text is still there');
    assert.equal(await page.locator('#editor-dirty').isVisible(), true, 'and still marked unsaved');
    assert.notEqual((await apiGet(page, `/api/programmes/${PROGRAMME_FILE}`)).text, typed, 'nothing was saved');
  } finally {
    await closePage(page);
  }
});

test('programmes: "new programme file" asks for a name and saves a new file', async () => {
  const page = await loggedInPage();
  const name = 'thong-bao-moi';
  try {
    await page.click('#tab-programmes');
    await page.locator(`[data-testid="programme-${PROGRAMME_FILE}"]`).waitFor();
    await page.click('#programme-new');
    await page.locator('#new-programme-dialog[open]').waitFor();
    await page.fill('#new-programme-name', 'tên có dấu!');
    await page.click('#new-programme-create');
    await page.locator('#new-programme-error').waitFor();
    assert.equal(await page.locator('#new-programme-dialog[open]').count(), 1, 'a bad name keeps the dialog open');
    await page.fill('#new-programme-name', name);
    await page.click('#new-programme-create');
    await page.locator('#new-programme-dialog').waitFor({state: 'hidden'});
    assert.match(await page.textContent('#editor-title'), new RegExp(`programmes/${name}\\.yaml`));
    const text = await page.inputValue('#editor');
    assert.match(text, new RegExp(`id: ${name}`), 'the editor starts from a template');
    assert.equal((await apiGet(page, `/api/programmes/${name}`)).status, 404, 'nothing is written before "Save"');
    const put = page.waitForResponse((r) => r.url().endsWith(`/api/programmes/${name}`) && r.request().method() === 'PUT');
    await page.click('#editor-save');
    const answer = await put;
    assert.equal(answer.status(), 200, `the template is a valid programme: ${await answer.text()}`);
    await page.locator(`[data-testid="programme-${name}"]`).waitFor();
    assert.equal((await apiGet(page, `/api/programmes/${name}`)).text, text, 'the server has the file');
    // The template airs every day at its example time: removed, so that it never airs over a later
    // test that happens to run at that time of day.
    const gone = await page.request.delete(`/api/programmes/${name}`, {headers: {'X-CSRF-Token':
      await page.evaluate(async () => (await (await fetch('/api/session')).json()).csrf)}});
    assert.equal(gone.status(), 200, await gone.text());
  } finally {
    await closePage(page);
  }
});

test('programmes: a file is deleted after a confirmation, within the account\'s rights', async () => {
  const page = await loggedInPage();
  const name = 'xoa-thu';
  try {
    const text = programmeYaml('23:59', slot.date, 'Sẽ xoá').replace(`id: ${PROGRAMME_ID}`, `id: ${name}`);
    fs.writeFileSync(path.join(dir, 'programmes', `${name}.yaml`), text);
    const reload = await page.request.put(`/api/programmes/${name}`, {data: text,
      headers: {'Content-Type': 'text/yaml', 'X-CSRF-Token': await page.evaluate(async () =>
        (await (await fetch('/api/session')).json()).csrf)}});
    assert.equal(reload.status(), 200, await reload.text());
    await page.click('#tab-programmes');
    await page.click(`[data-testid="programme-${name}"]`);
    await page.locator('#editor-delete').waitFor();

    let deletes = 0;
    page.on('request', (r) => { if (r.method() === 'DELETE') deletes++; });
    await page.click('#editor-delete');
    await page.locator('#confirm-dialog[open]').waitFor();
    assert.match(await page.textContent('#confirm-text'), /Sẽ xoá/, 'the question names the programmes in the file');
    await page.click('#confirm-cancel');
    assert.equal(deletes, 0, 'nothing is deleted without confirmation');

    await page.click('#editor-delete');
    await page.locator('#confirm-dialog[open]').waitFor();
    const del = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await page.click('#confirm-ok');
    assert.equal((await del).status(), 200);
    await page.locator(`[data-testid="programme-${name}"]`).waitFor({state: 'detached'});
    assert.equal(await page.locator('#editor-card').isHidden(), true, 'the editor closes');
    assert.equal((await apiGet(page, `/api/programmes/${name}`)).status, 404);
    assert.equal(fs.existsSync(path.join(dir, 'programmes', `${name}.yaml`)), false);

    // An emergency is an admin's: an operator's delete is refused and says why.
    await page.click('[data-testid="programme-san-sang"]');
    await page.click('#editor-delete');
    await page.locator('#confirm-dialog[open]').waitFor();
    const refused = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await page.click('#confirm-ok');
    assert.equal((await refused).status(), 403);
    await page.locator('#editor-msg.msg-error').waitFor();
    assert.match(await page.textContent('#editor-errors'), /mức ưu tiên khẩn cấp, chỉ quản trị viên/, 'why, in Vietnamese');
    assert.ok(fs.existsSync(path.join(dir, 'programmes', 'san-sang.yaml')));
  } finally {
    await closePage(page);
  }
});

test('clips: a clip is deleted after a confirmation; one a programme uses is kept, saying which', async () => {
  const page = await loggedInPage();
  try {
    fs.writeFileSync(path.join(dir, 'clips', 'cu.wav'), wav(1));
    await page.click('#tab-clips');
    await page.click('#clips-refresh');
    await page.locator('[data-testid="clip-row-cu.wav"]').waitFor();
    await page.click('[data-testid="clip-delete-cu.wav"]');
    await page.locator('#confirm-dialog[open]').waitFor();
    assert.match(await page.textContent('#confirm-text'), /cu\.wav/);
    const del = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await page.click('#confirm-ok');
    assert.equal((await del).status(), 200);
    await page.locator('[data-testid="clip-row-cu.wav"]').waitFor({state: 'detached'});
    assert.equal(fs.existsSync(path.join(dir, 'clips', 'cu.wav')), false);

    await page.click('[data-testid="clip-delete-tin-thu.wav"]');
    await page.locator('#confirm-dialog[open]').waitFor();
    const kept = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await page.click('#confirm-ok');
    assert.equal((await kept).status(), 409);
    await page.locator('#clips-msg.msg-error').waitFor();
    assert.match(await page.textContent('#clips-msg'), new RegExp(PROGRAMME_ID));
    assert.equal((await (await kept).json()).code, 'clip.in_use');
    assert.match(await page.textContent('#clips-msg'), /tệp âm thanh 'tin-thu\.wav' đang được dùng trong .*chưa xoá gì/,
      'why it is kept, in Vietnamese');
    assert.equal(await page.locator('[data-testid="clip-row-tin-thu.wav"]').count(), 1);
  } finally {
    await closePage(page);
  }
});

test('clips: upload through the form, replace on 409, and listen', async () => {
  const page = await loggedInPage();
  const name = 'bản tin mới.wav';
  try {
    await page.click('#tab-clips');
    await page.locator('[data-testid="clip-row-tin-thu.wav"]').waitFor();
    await page.setInputFiles('#clip-file', {name, mimeType: 'audio/wav', buffer: wav(3, {freq: 660})});
    assert.equal(await page.inputValue('#clip-name'), name, 'the name defaults to the file\'s name');
    const post = page.waitForResponse((r) => r.url().includes('/api/clips?') && r.request().method() === 'POST');
    await page.click('#clip-upload');
    assert.equal((await post).status(), 201);
    const row = page.locator(`[data-testid="clip-row-${name}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /0:03/, 'the library shows the clip\'s length');
    await page.locator('#upload-msg.msg-ok').waitFor();

    // The same name again: 409, then "replace".
    await page.setInputFiles('#clip-file', {name, mimeType: 'audio/wav', buffer: wav(5, {freq: 660})});
    const conflict = page.waitForResponse((r) => r.url().includes('/api/clips?') && r.request().method() === 'POST');
    await page.click('#clip-upload');
    const c = await conflict;
    assert.equal(c.status(), 409);
    await page.locator('#clip-replace').waitFor();
    assert.equal((await c.json()).code, 'clip.upload.exists');
    assert.ok((await page.textContent('#upload-msg')).includes(`đã có tệp âm thanh tên '${name}'; hãy chọn tên khác`),
      `the refusal in Vietnamese: ${await page.textContent('#upload-msg')}`);
    const replaced = page.waitForResponse((r) => r.url().includes('replace=1'));
    await page.click('#clip-replace');
    assert.ok((await replaced).ok(), 'the replacement is accepted');
    await until('the library shows the new length', async () => /0:05/.test(await row.textContent()));

    // Listening: the <audio> element loads the clip from /api/clips/NAME.
    const media = page.waitForResponse((r) => r.url().endsWith(`/api/clips/${encodeURIComponent(name)}`));
    await page.click(`[data-testid="clip-play-${name}"]`);
    const m = await media;
    assert.ok([200, 206].includes(m.status()), `the clip is served (${m.status()})`);
    await page.waitForFunction(() => {
      const a = document.getElementById('clip-audio');
      return a.readyState >= 1 && a.duration > 0;
    });
    const duration = await page.evaluate(() => document.getElementById('clip-audio').duration);
    assert.ok(Math.abs(duration - 5) < 0.1, `the browser reads the clip's length: ${duration}`);
    await shot(page, 'clips');

    // Refusals are explained: a file that is not audio (422), one over --max-upload-mb 1 (413).
    for (const [file, buffer, status, said] of [
      ['hong.wav', Buffer.from('this is not a sound file'), 422, "không phát được tệp âm thanh 'hong.wav'"],
      ['qua-lon.wav', wav(30, {rate: 22050}), 413, 'tệp quá lớn (giới hạn đặt bằng loa run --max-upload-mb)']]) {
      await page.setInputFiles('#clip-file', {name: file, mimeType: 'audio/wav', buffer});
      const refused = page.waitForResponse((r) => r.url().includes('/api/clips?') && r.request().method() === 'POST');
      await page.click('#clip-upload');
      const r = await refused;
      assert.equal(r.status(), status, `${file} is refused with ${status}`);
      await page.locator('#upload-msg.msg-error').waitFor();
      const shown = await page.textContent('#upload-msg');
      assert.ok(shown.includes(said), `the server's reason is shown in Vietnamese: ${shown}`);
      assert.ok(!shown.includes((await r.json()).error), `not in English: ${shown}`);
      assert.equal(await page.locator(`[data-testid="clip-row-${file}"]`).count(), 0);
    }
  } finally {
    await closePage(page);
  }
});

test('play now: an emergency asks first, then airs; stop ends it; the journal shows it', async () => {
  const page = await loggedInPage();
  try {
    let posted = 0;
    page.on('request', (r) => { if (r.url().endsWith('/api/play-now')) posted++; });
    await page.click('#tab-play');
    await page.check('[data-testid="play-clip-canh-bao.wav"]');
    for (const z of ZONES) assert.ok(await page.isChecked(`[data-testid="play-zone-${z.id}"]`), 'every zone is ticked at first');
    await page.check('#priority-emergency');

    // Cancel first: nothing is sent.
    await page.click('#play-now-submit');
    await page.locator('#emergency-dialog[open]').waitFor();
    await page.click('#cancel-emergency');
    await page.locator('#emergency-dialog').waitFor({state: 'hidden'});
    assert.equal(posted, 0, 'no play-now without confirmation');

    await page.click('#play-now-submit');
    await page.locator('#emergency-dialog[open]').waitFor();
    await shot(page, 'emergency-dialog');
    assert.match(await page.textContent('#emergency-dialog'), /canh-bao\.wav/);
    const play = page.waitForResponse((r) => r.url().endsWith('/api/play-now'));
    await page.click('#confirm-emergency');
    const answer = await play;
    assert.equal(answer.status(), 202);
    const body = JSON.parse(answer.request().postData());
    assert.deepEqual(body, {clips: ['canh-bao.wav'], zones: ZONES.map((z) => z.id), priority: 'emergency'});
    await page.locator('#play-msg.msg-ok').waitFor();

    const onAir = await until('a zone airs play-now', async () => {
      const st = await apiGet(page, '/api/status');
      return st.data.zones.find((z) => z.on_air && z.on_air.programme === 'play-now');
    });
    assert.ok(onAir);

    await page.click('#tab-status');
    const card = page.locator(`[data-testid="zone-${onAir.id}"].zone-on-air`);
    await card.waitFor();
    await page.locator('[data-testid="block-play-now"].on-air').first().waitFor({state: 'attached'});
    await shot(page, 'on-air');

    const stop = page.waitForResponse((r) => r.url().endsWith('/api/stop'));
    await page.click('#stop-all');
    const stopped = await stop;
    assert.equal(stopped.status(), 200);
    assert.ok((await stopped.json()).stopped.length >= 1, 'something was stopped');
    await until('every zone is silent', async () => {
      const st = await apiGet(page, '/api/status');
      return st.data.zones.every((z) => !z.on_air);
    });
    await page.locator(`[data-testid="zone-${onAir.id}"].zone-silent`).waitFor();

    const log = await until('the journal has the play-now broadcast, ended', async () => {
      const r = await apiGet(page, '/api/log');
      return r.status === 200 && r.data.find((b) => b.programme === 'play-now' && b.status !== 'playing');
    });
    assert.equal(log.status, 'interrupted', 'a stopped broadcast is journaled interrupted');

    await page.click('#tab-journal');
    const row = page.locator('[data-testid="log-row"][data-programme="play-now"]');
    await row.first().waitFor();
    assert.match(await row.first().textContent(), /Bị ngắt/);
    await shot(page, 'journal');
  } finally {
    await closePage(page);
  }
});

test('on demand: a prepared emergency has its button, asks first, then airs under its own name', async () => {
  const page = await loggedInPage();
  try {
    await page.click('#tab-play');
    const button = page.locator('[data-testid="on-demand-bao-chay"]');
    await button.waitFor();
    assert.match(await button.textContent(), /Phát: Báo cháy/);
    assert.match(await button.textContent(), /Ấp 1, Chợ/, 'the button says where it airs');
    assert.equal(await page.locator('[data-testid="on-demand-tre-lac"]').count(), 1);
    assert.equal(await page.locator(`[data-testid="on-demand-${PROGRAMME_ID}"]`).count(), 0,
      'a programme with slots only gets no button');

    let posted = 0;
    page.on('request', (r) => { if (r.url().endsWith('/api/play-now')) posted++; });
    await button.click();
    await page.locator('#emergency-dialog[open]').waitFor();
    assert.match(await page.textContent('#emergency-dialog'), /Báo cháy/);
    await page.click('#cancel-emergency');
    await page.locator('#emergency-dialog').waitFor({state: 'hidden'});
    assert.equal(posted, 0, 'no play-now without confirmation');

    await button.click();
    await page.locator('#emergency-dialog[open]').waitFor();
    const play = page.waitForResponse((r) => r.url().endsWith('/api/play-now'));
    await page.click('#confirm-emergency');
    const answer = await play;
    assert.equal(answer.status(), 202);
    assert.deepEqual(JSON.parse(answer.request().postData()), {programme: 'bao-chay'});
    await page.locator('#on-demand-msg.msg-ok').waitFor();
    const st = await until('the programme is on air on its zones', async () => {
      const r = await apiGet(page, '/api/status');
      const on = r.data.zones.filter((z) => z.on_air && z.on_air.programme === 'bao-chay').map((z) => z.id);
      return on.length === 2 ? on : null;
    });
    assert.deepEqual(st.sort(), ['ap-1', 'cho']);
    await shot(page, 'on-demand');
    await page.click('#tab-status');
    await page.click('#stop-all');
    const log = await until('the journal has it under its own id', async () => {
      const r = await apiGet(page, '/api/log');
      return r.status === 200 && r.data.find((b) => b.programme === 'bao-chay' && b.status !== 'playing');
    });
    assert.equal(log.title, 'Báo cháy');
  } finally {
    await closePage(page);
  }
});

test('on demand: an operator of some zones sees only the programmes they may air', async () => {
  const page = await loggedInPage(AP2_OPERATOR);
  try {
    await page.click('#tab-play');
    const button = page.locator('[data-testid="on-demand-tre-lac"]');
    await button.waitFor();
    assert.equal(await page.locator('[data-testid="on-demand-bao-chay"]').count(), 0,
      'no button for a programme on zones beyond theirs');
    const play = page.waitForResponse((r) => r.url().endsWith('/api/play-now'));
    await button.click();  // high, not emergency: no question
    assert.equal((await play).status(), 202);
    await until('it airs on ap-2', async () => {
      const r = await apiGet(page, '/api/status');
      return r.data.zones.find((z) => z.id === 'ap-2' && z.on_air && z.on_air.programme === 'tre-lac');
    });
    await page.click('#tab-status');
    await page.click('[data-testid="stop-ap-2"]');
    await until('ap-2 is silent', async () => !(await apiGet(page, '/api/status')).data.zones.find((z) => z.id === 'ap-2').on_air);
  } finally {
    await closePage(page);
  }
});

test('timeline: close broadcasts stay apart, emergencies carry a label, other days their date', async () => {
  const page = await loggedInPage();
  try {
    const timeline = page.locator('[data-testid="timeline"]');
    await timeline.locator('[data-testid="block-gan-2"]').waitFor({state: 'attached'});
    const boxes = await page.evaluate(() => ['gan-1', 'gan-2'].map((id) => {
      const r = document.querySelector(`[data-testid="timeline"] [data-testid="block-${id}"] rect`);
      return {x: +r.getAttribute('x'), y: +r.getAttribute('y'), w: +r.getAttribute('width'), h: +r.getAttribute('height')};
    }));
    const [a, b] = boxes;
    const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
    assert.ok(apart, `two broadcasts a minute apart do not overlap: ${JSON.stringify(boxes)}`);
    assert.ok(a.w >= 4 && b.w >= 4 && a.h >= 8 && b.h >= 8, `both stay visible: ${JSON.stringify(boxes)}`);

    // bao-chay (aired by the on-demand test) is an emergency: a label besides the colour.
    const alarm = timeline.locator('[data-testid="block-bao-chay"]').first();
    await alarm.waitFor({state: 'attached'});
    assert.equal(await alarm.getAttribute('data-priority'), 'emergency');
    assert.match(await alarm.locator('[data-testid="emergency-label"]').textContent(), /!/);
    assert.match(await alarm.locator('title').textContent(), /Khẩn cấp/);
    assert.match(await page.textContent('#timeline-legend'), /Khẩn cấp/);
    const normal = timeline.locator(`[data-testid="block-${PROGRAMME_ID}"]`).first();
    assert.equal(await normal.locator('[data-testid="emergency-label"]').count(), 0);

    // Tomorrow's broadcast in the "next" list says it is tomorrow.
    const next = page.locator('[data-testid="next-ngay-mai"]');
    await next.waitFor();
    assert.equal((await next.locator('[data-testid="next-day"]').textContent()).trim(), 'Ngày mai');
    assert.match(await next.textContent(), /06:00/);

    // Beside the solar dates, the lunar ones as /api/plan gives them ("âm lịch 24/10").
    const plan = (await apiGet(page, `/api/plan?from=${slot.date}&to=${nextDay(nextDay(slot.date))}`)).data;
    const lunarOf = (id) => plan.find((b) => b.programme === id).lunar;
    assert.match(lunarOf('ngay-mai'), /^\d{1,2}\/\d{1,2}n?$/, 'the plan carries the lunar day/month');
    assert.equal(await next.locator('[data-testid="next-lunar"]').textContent(), ` · âm lịch ${lunarOf('ngay-mai')}`,
      'tomorrow\'s heading has its lunar date');
    assert.equal(await page.textContent('#timeline-date'), `${slot.date} · âm lịch ${lunarOf(PROGRAMME_ID)}`,
      'the timeline\'s day has its lunar date beside it');
    assert.notEqual(lunarOf(PROGRAMME_ID), lunarOf('ngay-mai'), 'two days, two lunar dates');
    if (slot.time !== '00:05') {
      assert.equal(await page.locator(`[data-testid="next-${PROGRAMME_ID}"] [data-testid="next-day"]`).count(), 0,
        'today\'s broadcasts carry no date');
    }
    await shot(page, 'timeline-features');
  } finally {
    await closePage(page);
  }
});

// Renders Vietnamese in the page's own font stacks (the text, and the programme editor) and looks
// at the pixels: no letter may come from a fallback font (tofu, or a mix of fonts), and a letter
// with two marks above (ề, Ấ, ỗ) must have them stacked over it: drawn beside it, as DejaVu Sans
// Mono does ("truyêǹ"), the letter comes out nearly twice as wide as with one mark.
test('fonts: Vietnamese is drawn by one font, its marks stacked, in the text and the editor', async () => {
  const page = await loggedInPage();
  try {
    const sample = 'Cảnh báo lũ — Ấp 1, Chợ: ngày mai cúp điện; truyền thanh, Lập, Đồng, mỗi';
    const result = await page.evaluate((sample) => {
      const canvas = document.createElement('canvas');
      canvas.width = 240;
      canvas.height = 200;
      const g = canvas.getContext('2d', {willReadFrequently: true});
      const ink = (family, text) => {
        g.clearRect(0, 0, canvas.width, canvas.height);
        g.font = `60px ${family}`;
        g.fillStyle = '#000';
        g.fillText(text, 60, 140);
        const d = g.getImageData(0, 0, canvas.width, canvas.height).data;
        let top = Infinity, left = Infinity, right = -1;
        for (let y = 0; y < canvas.height; y++) {
          for (let x = 0; x < canvas.width; x++) {
            if (d[(y * canvas.width + x) * 4 + 3] > 64) {
              top = Math.min(top, y); left = Math.min(left, x); right = Math.max(right, x);
            }
          }
        }
        return {top, width: right - left + 1};
      };
      // A family draws a text itself when the fallback behind it makes no difference.
      const draws = (family, text) => {
        const widths = ['serif', 'monospace', 'cursive'].map((fallback) => {
          g.font = `40px "${family}", ${fallback}`;
          return g.measureText(text).width;
        });
        return widths.every((w) => w === widths[0]);
      };
      const out = {};
      for (const [what, node] of [['text', document.body], ['editor', document.getElementById('editor')]]) {
        const stack = getComputedStyle(node).fontFamily;
        const families = stack.split(',').map((f) => f.trim().replace(/^["']|["']$/g, ''))
          .filter((f) => !['serif', 'sans-serif', 'monospace', 'cursive', 'system-ui', '-apple-system'].includes(f));
        const used = families.find((f) => draws(f, 'mmmiiiWWW'));
        const fallbacks = used ? [...new Set(sample)].filter((ch) => ch !== ' ' && !draws(used, ch)) : [];
        const stacking = [['ê', 'ề'], ['Â', 'Ấ'], ['ô', 'ỗ'], ['Ô', 'Ồ'], ['ă', 'ằ']].map(([one, two]) => {
          const a = ink(stack, one);
          const b = ink(stack, two);
          return {letter: two, widthRatio: b.width / a.width, rises: a.top - b.top};
        });
        out[what] = {stack, used, fallbacks: fallbacks.join(''), stacking};
      }
      return out;
    }, sample);
    for (const [what, r] of Object.entries(result)) {
      assert.ok(r.used, `${what}: a font of the stack is installed (${r.stack})`);
      assert.equal(r.fallbacks, '', `${what}: ${r.used} draws every letter of the sample itself`);
      for (const s of r.stacking) {
        assert.ok(s.widthRatio < 1.3 && s.rises >= 1,
          `${what}: ${s.letter} in ${r.used} has its marks stacked (${JSON.stringify(s)})`);
      }
    }
    assert.notEqual(result.editor.used, 'DejaVu Sans Mono');
  } finally {
    await closePage(page);
  }
});

test('language: English on the switch, remembered after a reload', async () => {
  const page = await loggedInPage();
  try {
    assert.equal((await page.textContent('#tab-play')).trim(), 'Phát ngay');
    await page.click('#lang-switch');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal((await page.textContent('#tab-play')).trim(), 'Play now');
    assert.equal((await page.textContent('#tab-journal')).trim(), 'Broadcast log');
    assert.equal((await page.textContent('#tab-notice')).trim(), 'Quick notice');
    assert.equal((await page.textContent('#stop-all')).trim(), 'Stop all');
    await page.reload();
    await page.locator('body.signed-in').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal((await page.textContent('#tab-clips')).trim(), 'Clip library');
    await shot(page, 'english');
    assert.match(await page.textContent('[data-testid="zone-ap-1"]'), /Silent|On air/);
    await page.click('#lang-switch');
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    assert.equal((await page.textContent('#tab-clips')).trim(), 'Thư viện âm thanh');
  } finally {
    await closePage(page);
  }
});

test('speak live: an operator of some zones speaks on theirs, sees the meter, and stops', async () => {
  const page = await loggedInPage(AP2_OPERATOR);
  try {
    await page.click('#tab-play');
    await page.locator('[data-testid="live-card"]').waitFor();
    assert.match(await page.textContent('[data-testid="live-card"] h2'), /Nói trực tiếp/);
    for (const z of ZONES) {
      assert.equal(await page.locator(`[data-testid="live-zone-${z.id}"]`).count(), z.id === 'ap-2' ? 1 : 0,
        `only the account's zones are offered (${z.id})`);
    }
    assert.equal(await page.locator('[data-testid="live-meter"]').isVisible(), false, 'no meter before speaking');
    const post = page.waitForResponse((r) => r.url().endsWith('/api/live') && r.request().method() === 'POST');
    await page.click('[data-testid="live-button"]');
    const started = await post;
    assert.equal(started.status(), 202, await started.text());
    assert.deepEqual(JSON.parse(started.request().postData()), {zones: ['ap-2']});

    // On air: the state says so, the meter shows a level read from the server, and the button stops.
    await page.locator('[data-testid="live-state"]', {hasText: 'Đang phát trực tiếp trên Ấp 2'}).waitFor();
    await page.locator('[data-testid="live-meter"]').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="live-meter"]').dataset.peak !== '');
    // The meter is the microphone's own level (before levelling), which the page polls: it
    // follows the server's input_level, read here after the page's, within the next polls.
    const shown = [];
    await until('the meter shows the microphone\'s level', async () => {
      const peak = Number(await page.getAttribute('[data-testid="live-meter"]', 'data-peak'));
      const live = (await apiGet(page, '/api/live')).data.live;
      assert.ok(live && live.speaking && live.input_level, JSON.stringify(live));
      shown.push(`${peak} (server ${live.input_level.peak_dbfs})`);
      return Math.abs(peak - live.input_level.peak_dbfs) < 30 && peak <= 0;
    }).catch((e) => assert.fail(`${e.message}: ${shown.join(', ')}`));
    assert.match(await page.textContent('#live-meter-text'), /dBFS/);
    assert.match(await page.textContent('[data-testid="live-button"]'), /Dừng nói trực tiếp/);
    const st = await apiGet(page, '/api/status');
    assert.equal(st.data.zones.find((z) => z.id === 'ap-2').on_air.programme, 'live');
    await shot(page, 'speak-live');

    const del = page.waitForResponse((r) => r.url().endsWith('/api/live') && r.request().method() === 'DELETE');
    await page.click('[data-testid="live-button"]');
    const ended = await del;
    assert.equal(ended.status(), 200);
    assert.deepEqual((await ended.json()).ended, ['ap-2']);
    await page.locator('[data-testid="live-meter"]').waitFor({state: 'hidden'});
    assert.match(await page.textContent('[data-testid="live-button"]'), /^Nói trực tiếp$/);
    await until('ap-2 is silent', async () => {
      const s = await apiGet(page, '/api/status');
      return !s.data.zones.find((z) => z.id === 'ap-2').on_air && s.data.live === null;
    });
  } finally {
    await closePage(page);
  }
});

test('a viewer sees everything but gets no operator buttons', async () => {
  const page = await loggedInPage(VIEWER);
  try {
    assert.match(await page.textContent('#user-badge'), /hoa/);
    assert.equal(await page.locator('#stop-all').isVisible(), false);
    assert.equal(await page.locator('[data-testid^="stop-"]:visible').count(), 0);
    assert.equal(await page.locator('#tab-play').isVisible(), false);
    assert.equal(await page.locator('#tab-notice').isVisible(), false, 'no quick notice for a viewer');
    assert.equal(await page.locator('[data-testid="live-card"]').isVisible(), false, 'no speaking live for a viewer');
    await page.click('#tab-clips');
    await page.locator('[data-testid="clip-row-tin-thu.wav"]').waitFor();
    assert.equal(await page.locator('#upload-form').isVisible(), false);
    assert.equal(await page.locator('[data-testid="clip-play-tin-thu.wav"]').isVisible(), true, 'a viewer may listen');
    await page.click('#tab-programmes');
    await page.click(`[data-testid="programme-${PROGRAMME_FILE}"]`);
    await page.waitForFunction((id) => document.getElementById('editor').value.includes(id), PROGRAMME_ID);
    assert.equal(await page.locator('#editor-save').isVisible(), false);
    assert.equal(await page.locator('#programme-new').isVisible(), false);
    assert.equal(await page.evaluate(() => document.getElementById('editor').readOnly), true);
    // The server refuses anyway.
    const session = (await apiGet(page, '/api/session')).data;
    assert.equal(session.role, 'viewer');
    const r = await page.request.post('/api/stop', {data: {}, headers: {'X-CSRF-Token': session.csrf}});
    assert.equal(r.status(), 403);
  } finally {
    await closePage(page);
  }
});

test('login: after repeated failures the server says to wait, and the page says so too', async () => {
  const page = await openPage();
  try {
    await page.locator('#login-form').waitFor();
    let answer;
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.fill('#login-name', OPERATOR.name);
      await page.fill('#login-password', `sai-${attempt}`);
      const next = page.waitForResponse((r) => r.url().endsWith('/api/login'));
      await page.click('#login-submit');
      answer = await next;
      if (answer.status() === 429) break;
      assert.equal(answer.status(), 401);
      await page.waitForFunction(() => !document.getElementById('login-submit').disabled);
    }
    assert.equal(answer.status(), 429, 'the server refuses further attempts');
    const wait = Number(answer.headers()['retry-after']);
    assert.ok(wait >= 1, 'with a Retry-After');
    // The page words the refusal once it has read the answer; until then the last one shows.
    await page
      .waitForFunction(
        () => document.getElementById('login-error').textContent.includes('đăng nhập sai quá nhiều lần'),
        null,
        {timeout: 5000},
      )
      .catch(() => {});
    const shown = await page.textContent('#login-error');
    assert.ok(shown.includes('đăng nhập sai quá nhiều lần'), `the server's message is shown in Vietnamese: ${shown}`);
    assert.ok(shown.includes(`${wait} giây`), `the page says how many seconds to wait: ${shown}`);
    assert.equal(await page.isDisabled('#login-submit'), true, 'the button waits too');
    await shot(page, 'login-wait');
    // Once the wait is over, the right password works again.
    await page.waitForFunction(() => !document.getElementById('login-submit').disabled, null, {timeout: (wait + 2) * 1000});
    await login(page, OPERATOR);
  } finally {
    await closePage(page);
  }
});

test('phone: 360 px wide, nothing wider than the screen but the timeline, which scrolls', async () => {
  const page = await loggedInPage(OPERATOR, {width: 360, height: 740});
  try {
    await page.locator('[data-testid="timeline"] svg').waitFor();
    const sizes = await page.evaluate(() => {
      const scroll = document.getElementById('timeline-scroll');
      return {page: document.documentElement.scrollWidth, inner: scroll.scrollWidth, box: scroll.clientWidth};
    });
    assert.ok(sizes.page <= 360, `the page fits the screen (${sizes.page}px)`);
    assert.ok(sizes.inner > sizes.box, 'the timeline scrolls sideways');
    await shot(page, 'phone-status');
    const stop = await page.locator('#stop-all').boundingBox();
    assert.ok(stop.height >= 40, 'buttons are big enough to touch');
    for (const tab of ['play', 'clips', 'programmes', 'journal']) {
      await page.click(`#tab-${tab}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the ${tab} screen fits the screen (${width}px)`);
      await shot(page, `phone-${tab}`);
    }
  } finally {
    await closePage(page);
  }
});

// ---------------------------------------------------------------------------------------------
// Quick notice ("Thông báo nhanh")

const NOTICE = 'Thông báo: chiều nay lúc 15 giờ, mời bà con ấp Một đến nhà văn hoá họp bàn việc làm đường giao thông nông thôn. Đề nghị bà con đến đúng giờ.';

test('notice: type it, listen, air it now; it is on air and in the journal', async () => {
  const page = await loggedInPage();
  try {
    await page.click('#tab-notice');
    assert.equal((await page.textContent('#tab-notice')).trim(), 'Thông báo nhanh');
    await page.fill('#notice-text', NOTICE);
    assert.match(await page.textContent('#notice-count'), new RegExp(`^${[...NOTICE].length} / 10000`));
    for (const z of ZONES) if (z.id !== 'ap-1') await page.uncheck(`[data-testid="notice-zone-${z.id}"]`);

    // Something the voice cannot read: the server's words, in place, and nothing aired.
    await page.fill('#notice-text', 'Thông báo 通知');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/notice/preview'));
    await page.click('#notice-preview');
    assert.equal((await refused).status(), 422);
    await page.locator('#notice-msg.msg-error').waitFor();
    assert.match(await page.textContent('#notice-msg'), /cannot be spoken/);

    // Listen: the <audio> element gets the spoken notice, and it loads.
    await page.fill('#notice-text', NOTICE);
    const preview = page.waitForResponse((r) => r.url().endsWith('/api/notice/preview'));
    await page.click('#notice-preview');
    const heard = await preview;
    assert.equal(heard.status(), 200);
    assert.equal(heard.headers()['content-type'], 'audio/wav');
    const audio = await until('the preview has loaded in the audio element', () => page.evaluate(() => {
      const a = document.getElementById('notice-audio');
      return a.src.startsWith('blob:') && a.readyState >= 1 && isFinite(a.duration) ? {duration: a.duration} : null;
    }));
    assert.ok(audio.duration > 4, `a notice of ${NOTICE.split(' ').length} words lasts seconds: ${audio.duration}`);
    await shot(page, 'notice');

    const sent = page.waitForResponse((r) => r.url().endsWith('/api/notice'));
    await page.click('#notice-now');
    const answer = await sent;
    assert.equal(answer.status(), 202);
    assert.deepEqual(JSON.parse(answer.request().postData()), {text: NOTICE, zones: ['ap-1'], priority: 'normal'});
    await page.locator('#notice-msg.msg-ok').waitFor();

    await page.click('#tab-status');
    const card = page.locator('[data-testid="zone-ap-1"].zone-on-air');
    await card.waitFor();
    assert.match(await card.textContent(), /say: "Thông báo: chiều nay lúc 15 giờ/);
    await page.click('#tab-journal');
    const row = page.locator('[data-testid="log-row"][data-programme="play-now"]', {hasText: 'Thông báo: chiều nay'});
    await until('the journal lists the notice', async () => {
      if (await row.count()) return true;
      await page.click('#journal-refresh');
      return false;
    });
    assert.deepEqual(cspProblems(page), [], 'the preview breaks no rule of the Content-Security-Policy');
  } finally {
    await closePage(page);
  }
});

test('notice: at a time it is saved as a programme the timeline shows; others\' zones are not offered', async () => {
  const page = await loggedInPage(AP2_OPERATOR);
  try {
    await page.click('#tab-notice');
    const offered = await page.locator('[data-testid="notice-zones"] input').evaluateAll((l) => l.map((i) => i.value));
    assert.deepEqual(offered, ['ap-2'], 'an operator of ap-2 is offered ap-2 only');
    assert.equal(await page.isDisabled('#notice-priority-emergency'), true, 'emergency is for admins');
    await page.fill('#notice-text', 'Ngày mai tiêm chủng cho trẻ em tại trạm y tế xã.');
    await page.click('#notice-schedule');
    await page.locator('#notice-msg.msg-error').waitFor();
    assert.equal(await page.textContent('#notice-msg'), 'Hãy chọn ngày giờ phát.', 'no time, nothing sent');

    const when = stationTime(Date.now() + 90 * 60 * 1000);
    await page.fill('#notice-at', `${when.date}T${when.time}`);
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/notice'));
    await page.click('#notice-schedule');
    const answer = await sent;
    assert.equal(answer.status(), 201);
    const {programme} = await answer.json();
    assert.equal(programme, `thong-bao-nhanh-${when.date.replaceAll('-', '')}-${when.time.replace(':', '')}`);
    await page.locator('#notice-msg.msg-ok').waitFor();
    assert.match(await page.textContent('#notice-msg'), new RegExp(programme));
    assert.ok(fs.existsSync(path.join(dir, 'programmes', `${programme}.yaml`)), 'a programme file of its own');

    if (when.date === slot.date) {
      await page.click('#tab-status');
      const block = page.locator(`[data-testid="timeline"] [data-testid="block-${programme}"]`);
      await until('the timeline shows the scheduled notice', async () => (await block.count()) === 1);
      assert.equal(await block.getAttribute('data-zone'), 'ap-2');
      assert.match(await block.locator('title').textContent(), /Thông báo nhanh: Ngày mai tiêm chủng/);
    }
  } finally {
    await closePage(page);
  }
});
