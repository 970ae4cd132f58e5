// The three browser engines the tests run in, each through its own WebDriver server and
// selenium-webdriver: Debian's Chromium (chromedriver), Firefox ESR (geckodriver) and WebKitGTK's
// MiniBrowser (WebKitWebDriver, under Xvfb: it has no headless mode).
//
// Every `open()` is a new WebDriver session, and each of these drivers gives every session a new,
// empty profile (a temporary user-data dir, a temporary Firefox profile, an ephemeral WebKit data
// store), so no cookie or cache outlives a scenario. The drivers are started here, with the paths
// below, and never through Selenium Manager (it downloads browsers, which these machines cannot).
//
// Nothing here skips: a missing browser, driver or Xvfb throws, naming the package that provides it
// (`./scripts/install-test-tools` installs them all).

import { execFileSync, spawn } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Builder } from "selenium-webdriver";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function executable(file, what) {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`${file} is missing (${what}): run ./scripts/install-test-tools`);
  }
  return file;
}

// GECKODRIVER, or the build ./scripts/install-test-tools caches: the version package.json pins, in
// ${CORS_TOOLS_DIR:-~/.cache/cors-tools}/geckodriver-VERSION/bin.
function geckodriverPath() {
  if (process.env.GECKODRIVER) return executable(process.env.GECKODRIVER, "GECKODRIVER");
  const { config } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
  const tools = process.env.CORS_TOOLS_DIR ?? path.join(os.homedir(), ".cache/cors-tools");
  return executable(path.join(tools, `geckodriver-${config.geckodriver}/bin/geckodriver`),
    `geckodriver ${config.geckodriver}, built by cargo install geckodriver`);
}

// A port nothing listens on now, on loopback.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts a process and keeps the last part of its output, for error messages.
function startLogged(file, args, env) {
  const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.log = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      child.log = (child.log + chunk).slice(-8000);
    });
  }
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return child;
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const stopped = await Promise.race([child.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!stopped) {
    child.kill("SIGKILL");
    await child.exited;
  }
}

// Xvfb on a display it picks itself (`-displayfd` writes the number once it accepts clients).
async function startXvfb() {
  const xvfb = executable("/usr/bin/Xvfb", "apt-get install xvfb");
  const child = spawn(xvfb, ["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr.on("data", (chunk) => {
    errors = (errors + chunk).slice(-4000);
  });
  const display = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within 20 s: ${errors}`)), 20_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(`:${out.trim()}`);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (status ${code}): ${errors}`));
    });
  });
  child.exited = new Promise((resolve) => child.once("exit", resolve));
  return { child, display };
}

// Starts a WebDriver server on a free loopback port and waits until it reports ready.
async function startDriver(name, file, args, env = process.env) {
  const port = await freePort();
  const child = startLogged(file, args(port), env);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before serving (${child.exitCode ?? child.signalCode}):\n${child.log}`);
    }
    try {
      const status = await (await fetch(`${url}/status`)).json();
      if (status.value?.ready !== false) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${name} did not serve on ${url} within 30 s:\n${child.log}`);
    await sleep(100);
  }
  return { child, url };
}

// Generous: the first request to each function may spawn its process under cargo lambda watch.
const timeouts = { script: 120_000, pageLoad: 60_000, implicit: 0 };

// Prefs that stop a fresh Firefox profile's background calls to Mozilla's services (these machines
// have no internet; the calls only slow the start and fill the log), as the Chromium flags below do.
// None of them touches cookies, storage partitioning or CORS: those keep Firefox's defaults.
const firefoxPrefs = {
  "app.normandy.enabled": false,
  "app.shield.optoutstudies.enabled": false,
  "app.update.auto": false,
  "app.update.checkInstallTime": false,
  "app.update.disabledForTesting": true,
  "browser.aboutwelcome.enabled": false,
  "browser.discovery.enabled": false,
  "browser.newtabpage.activity-stream.feeds.section.topstories": false,
  "browser.newtabpage.activity-stream.feeds.topsites": false,
  "browser.newtabpage.activity-stream.telemetry": false,
  "browser.newtabpage.enabled": false,
  "browser.ping-centre.telemetry": false,
  "browser.region.network.url": "",
  "browser.region.update.enabled": false,
  "browser.safebrowsing.blockedURIs.enabled": false,
  "browser.safebrowsing.downloads.enabled": false,
  "browser.safebrowsing.downloads.remote.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.provider.google.updateURL": "",
  "browser.safebrowsing.provider.google4.updateURL": "",
  "browser.safebrowsing.provider.mozilla.updateURL": "",
  "browser.search.geoip.url": "",
  "browser.search.update": false,
  "browser.shell.checkDefaultBrowser": false,
  "browser.startup.homepage": "about:blank",
  "browser.startup.homepage_override.mstone": "ignore",
  "browser.startup.page": 0,
  "browser.topsites.contile.enabled": false,
  "captivedetect.canonicalURL": "",
  "datareporting.healthreport.uploadEnabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  // Shows a JSON response (a first-party visit to the API) as text, as the other engines do.
  "devtools.jsonview.enabled": false,
  "extensions.blocklist.enabled": false,
  "extensions.getAddons.cache.enabled": false,
  "extensions.systemAddon.update.enabled": false,
  "extensions.update.enabled": false,
  "geo.provider.network.url": "",
  "media.gmp-manager.updateEnabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "network.dns.disablePrefetch": true,
  "network.http.speculative-parallel-limit": 0,
  "network.prefetch-next": false,
  "network.trr.mode": 5,
  "security.OCSP.enabled": 0,
  "security.remote_settings.crlite_filters.enabled": false,
  "security.remote_settings.intermediates.enabled": false,
  "services.settings.server": "",
  "toolkit.telemetry.enabled": false,
  "toolkit.telemetry.server": "",
  "toolkit.telemetry.unified": false,
};

// What each engine needs. `consoleMessages(session)` returns the engine's own console lines since the
// session opened, where WebDriver can read them: Chromium's through chromedriver's log endpoint,
// Firefox's through WebDriver BiDi's log events; WebKitGTK's driver offers neither (null).
const definitions = {
  chromium: {
    name: "Chromium",
    check: () => [
      executable("/usr/bin/chromium", "apt-get install chromium"),
      executable("/usr/bin/chromedriver", "apt-get install chromium-driver"),
    ],
    version: () => execFileSync("/usr/bin/chromium", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
    async start() {
      const [, chromedriver] = this.check();
      return startDriver("chromedriver", chromedriver, (port) => [`--port=${port}`, "--allowed-ips=127.0.0.1"]);
    },
    capabilities: () => ({
      browserName: "chrome",
      acceptInsecureCerts: true,
      timeouts,
      "goog:loggingPrefs": { browser: "ALL" },
      "goog:chromeOptions": {
        binary: "/usr/bin/chromium",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      },
    }),
    async attach() {},
    async consoleMessages(session) {
      const entries = await session.driver.manage().logs().get("browser");
      session.console.push(...entries.map((entry) => entry.message));
      return session.console;
    },
  },
  firefox: {
    name: "Firefox",
    check: () => [
      executable("/usr/bin/firefox-esr", "apt-get install firefox-esr"),
      executable(geckodriverPath(), "cargo install geckodriver"),
    ],
    version: () => execFileSync("/usr/bin/firefox-esr", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
    async start() {
      const [, geckodriver] = this.check();
      // --websocket-port 0: each session's BiDi socket on a free port, never a fixed 9222.
      return startDriver("geckodriver", geckodriver, (port) =>
        ["--port", String(port), "--host", "127.0.0.1", "--websocket-port", "0"]);
    },
    capabilities: () => ({
      browserName: "firefox",
      acceptInsecureCerts: true,
      timeouts,
      webSocketUrl: true,
      "moz:firefoxOptions": {
        binary: "/usr/bin/firefox-esr",
        args: ["-headless"],
        prefs: firefoxPrefs,
      },
    }),
    async attach(session) {
      const bidi = await session.driver.getBidi();
      await bidi.subscribe("log.entryAdded");
      (await bidi.socket).on("message", (data) => {
        const message = JSON.parse(data.toString());
        if (message.method === "log.entryAdded") session.console.push(message.params.text);
      });
    },
    async consoleMessages(session) {
      return session.console;
    },
  },
  webkit: {
    name: "WebKit",
    check: () => [
      executable("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser", "apt-get install webkit2gtk-driver"),
      executable("/usr/bin/WebKitWebDriver", "apt-get install webkit2gtk-driver"),
    ],
    version: () => {
      const out = execFileSync("dpkg-query", ["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"], { encoding: "utf8" });
      return `WebKitGTK ${out.trim()}`;
    },
    async start() {
      const [, driver] = this.check();
      const xvfb = await startXvfb();
      try {
        // --host=127.0.0.1: by default it binds a non-loopback address, and the session start times out.
        const server = await startDriver("WebKitWebDriver", driver, (port) => [`--port=${port}`, "--host=127.0.0.1"],
          { ...process.env, DISPLAY: xvfb.display });
        return { ...server, xvfb };
      } catch (error) {
        await stopProcess(xvfb.child);
        throw error;
      }
    },
    capabilities: () => ({
      browserName: "MiniBrowser",
      acceptInsecureCerts: true,
      timeouts,
      "webkitgtk:browserOptions": {
        binary: "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
        args: ["--automation"],
      },
    }),
    async attach() {},
    async consoleMessages() {
      return null;
    },
  },
};

// The engines, in the order the tests run them: [key, name].
export const engines = Object.entries(definitions).map(([key, definition]) => [key, definition.name]);

// Throws, naming the package, when an engine's browser, driver or Xvfb is missing.
export function checkEngines() {
  for (const definition of Object.values(definitions)) definition.check();
  executable("/usr/bin/Xvfb", "apt-get install xvfb");
}

// How long a new session may take to start: a launch takes a few seconds (Firefox up to 4 on 2 cores).
const SESSION_START_MS = 20_000;

// A new session, or an error when the driver does not give one within SESSION_START_MS (selenium's
// own request has no time limit, so a hung launch would hang the run).
async function newSession(definition, server) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no session within ${SESSION_START_MS / 1000} s`)), SESSION_START_MS);
  });
  try {
    return await Promise.race([
      new Builder().usingServer(server.url).withCapabilities(definition.capabilities()).build(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// A started engine: `open()` gives a new session with a new, empty profile; `stop()` ends the driver.
export async function startEngine(key) {
  const definition = definitions[key];
  if (!definition) throw new Error(`unknown engine ${key}: one of ${Object.keys(definitions).join(", ")}`);
  let server = await definition.start();
  const stopServer = async () => {
    await stopProcess(server.child);
    if (server.xvfb) await stopProcess(server.xvfb.child);
  };
  const sessions = new Set();
  return {
    key,
    name: definition.name,
    version: definition.version(),
    async open() {
      let driver;
      try {
        driver = await newSession(definition, server);
      } catch (first) {
        // A browser that hangs at launch (seen once with WebKitGTK on a loaded machine) leaves its
        // driver stuck: start a new driver, and try once more, saying so.
        console.error(`# ${definition.name}: the session did not start (${first.message}); restarting the driver`);
        const log = server.child.log;
        await stopServer();
        server = await definition.start();
        try {
          driver = await newSession(definition, server);
        } catch (error) {
          throw new Error(
            `${definition.name}: the session did not start, twice: ${first.message}; ${error.message}\n` +
              `--- first driver ---\n${log}\n--- second driver ---\n${server.child.log}`,
          );
        }
      }
      const session = { driver, console: [] };
      sessions.add(session);
      await definition.attach(session);
      return {
        driver,
        consoleMessages: () => definition.consoleMessages(session),
        async close() {
          sessions.delete(session);
          await driver.quit();
        },
      };
    },
    async stop() {
      for (const session of sessions) await session.driver.quit().catch(() => {});
      await stopServer();
    },
  };
}
