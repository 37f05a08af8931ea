"""Walking a page with the Tab key, fast.

Asking the browser after every Tab press whether the target has the focus costs a round
trip through Playwright's driver that takes about four times as long as the press itself
(a locator is resolved in the page each time), and an admin page can need 200 presses. So
the walk presses Tab in batches and asks once per batch: before it starts, a listener in
the page notes when the target receives the focus and from then on swallows further Tab
key events (``preventDefault`` on the capture phase of ``window``, before any of the
page's own handlers), so the presses left in the batch do not move the focus on. The
focus is then where a person who stopped pressing Tab at the target would have it, and
the caller checks it there as before. The listener is the page's JavaScript: on a page
opened with JavaScript turned off, press and ask one Tab at a time instead.
"""

import pytest

# Tab presses sent between two questions to the page.
BATCH = 10

_START_WALK = """target => {
    const walk = {reached: false};
    const swallow = event => {
        if (walk.reached && event.key === "Tab") {
            event.preventDefault();
            event.stopImmediatePropagation();
        }
    };
    target.addEventListener("focus", () => { walk.reached = true; }, {once: true});
    for (const type of ["keydown", "keypress", "keyup"]) {
        window.addEventListener(type, swallow, true);
    }
    walk.stop = () => {
        for (const type of ["keydown", "keypress", "keyup"]) {
            window.removeEventListener(type, swallow, true);
        }
    };
    window.__tabWalk = walk;
}"""


def tab_until_focused(page, target, limit, *, from_top=True):
    """Press Tab (at most ``limit`` times, give or take one batch) until ``target`` (a
    Playwright locator of one element in the main document) has the keyboard focus.
    ``from_top`` first takes the focus off whatever has it and scrolls to the top, so the
    walk starts where a keyboard user arriving on the page starts.

    Fails the test, naming the element that has the focus, when the target is never reached.
    """
    if from_top:
        page.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    target.evaluate(_START_WALK)
    try:
        pressed = 0
        while pressed < limit:
            for _ in range(BATCH):
                page.keyboard.press("Tab")
            pressed += BATCH
            if page.evaluate("() => window.__tabWalk.reached"):
                break
    finally:
        page.evaluate("() => { window.__tabWalk?.stop(); delete window.__tabWalk; }")
    if not target.evaluate("element => element === document.activeElement"):
        last = page.evaluate("document.activeElement?.outerHTML.slice(0, 200)")
        pytest.fail(f"Tab never reached {target} in {limit} presses; focus ended on {last}")
