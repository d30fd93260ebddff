"""Several people's screens at once, in real Chromium, against the running stack.

Each screen is its own browser context (its own session), logged in through the login
page. Every page is instrumented before its own scripts run:

* every live frame the page delivers (live.js dispatches `cad:event`) is recorded with
  the browser's clock at delivery, so a test can count frames per kind and incident;
* `watch(name, selector)` records the first moment (browser clock, epoch ms) an element
  matching `selector` is on the page and the most matches ever seen at once, so a test
  can time "deadline → on screen" and prove an alert was shown exactly once while it
  was busy driving other screens.

The browser and the servers share this machine's clock, so these times compare directly
with the deadlines stored in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

INSTRUMENT = """
(() => {
  const watches = {};
  window.__frames = [];
  window.__watches = watches;
  const check = () => {
    for (const watch of Object.values(watches)) {
      const count = document.querySelectorAll(watch.selector).length;
      if (count && watch.first === null) watch.first = Date.now();
      if (count > watch.most) watch.most = count;
    }
  };
  window.__watch = (name, selector) => {
    watches[name] = { selector, first: null, most: 0 };
    check();
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true,
  });
  document.addEventListener("cad:event", (event) => {
    const frame = event.detail;
    window.__frames.push({
      id: frame.id, kind: frame.kind, at: frame.at,
      incident: frame.data ? frame.data.incident : null, seen: Date.now(),
    });
  });
})();
"""


@dataclass
class Screen:
    """One person at their screen: `page` is the tab they work in."""

    name: str
    user: object
    context: object
    page: object
    base_url: str
    extra_pages: list = field(default_factory=list)

    def goto(self, path: str, *, live: bool = True):
        self.page.goto(f"{self.base_url}{path}")
        if live:
            self.page.wait_for_selector("#live-status[data-state=live]")
            self.page.evaluate("window.__sameDocument = true")
        return self.page

    def watch(self, name: str, selector: str, page=None) -> None:
        (page or self.page).evaluate("([n, s]) => window.__watch(n, s)", [name, selector])

    def watched(self, name: str, page=None) -> dict:
        return (page or self.page).evaluate("(n) => window.__watches[n]", name)

    def frames(self, kind: str, incident: int, page=None) -> list[dict]:
        return (page or self.page).evaluate(
            "([k, i]) => window.__frames.filter((f) => f.kind === k && f.incident === i)",
            [kind, incident],
        )

    def frames_of(self, kind: str, page=None) -> list[dict]:
        return (page or self.page).evaluate(
            "(k) => window.__frames.filter((f) => f.kind === k)", kind
        )

    def same_document(self, page=None) -> bool:
        return (page or self.page).evaluate("window.__sameDocument === true")

    def new_tab(self, path: str):
        page = self.context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{self.base_url}{path}")
        page.wait_for_selector("#live-status[data-state=live]")
        page.evaluate("window.__sameDocument = true")
        self.extra_pages.append(page)
        return page


class Screens:
    """Opens and keeps the screens; screenshots of every one at the end."""

    def __init__(self, browser, base_url: str, password: str, output: Path):
        self.browser = browser
        self.base_url = base_url
        self.password = password
        self.output = output
        self.opened: dict[str, Screen] = {}

    def open(self, name: str, user, path: str, *, live: bool = True) -> Screen:
        context = self.browser.new_context(
            viewport={"width": 1400, "height": 900}, timezone_id="Europe/London"
        )
        context.add_init_script(INSTRUMENT)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{self.base_url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", self.password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        screen = Screen(name, user, context, page, self.base_url)
        self.opened[name] = screen
        screen.goto(path, live=live)
        return screen

    def screenshot_all(self, prefix: str = "e2e") -> list[Path]:
        self.output.mkdir(exist_ok=True)
        saved = []
        for name, screen in self.opened.items():
            for index, page in enumerate([screen.page, *screen.extra_pages]):
                suffix = f"-{index}" if index else ""
                path = self.output / f"{prefix}-{name}{suffix}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                except Exception:  # a page that died must not hide the others' screenshots
                    continue
                saved.append(path)
        return saved

    def close(self) -> None:
        for screen in self.opened.values():
            try:
                screen.context.close()
            except Exception:
                continue
