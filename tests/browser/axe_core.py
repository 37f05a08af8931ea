"""axe-core in a Playwright page, shared by the accessibility tests.

axe-core is the copy bundled with axe-playwright-python, pinned in pyproject.toml (each
release bundles its own axe-core, whose rules and counts move). The library's own
``Axe.run`` sends the whole script (over half a megabyte) to the page before every run and
returns axe's whole answer, with a sample node and its HTML for every rule that passed.
These tests read the violations, sometimes the incomplete results, and only the ids of the
other rules, so :func:`run_axe` injects the script once per document and asks the page for
just that. Measured on the Editors' walk of 18 admin pages, that saved Chromium 0.6 and
Python 0.5 CPU-seconds of about 13: the rules themselves are the cost.
"""

from axe_playwright_python.base import AXE_SCRIPT

#: The WCAG 2.2 A and AA rules and axe's best practices
#: (https://github.com/dequelabs/axe-core/blob/develop/doc/API.md#axe-core-tags).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_INJECTED = "() => typeof window.axe?.run === 'function'"

_RUN = """async options => {
    const results = await axe.run(document, options);
    const ids = kind => results[kind].map(rule => rule.id);
    return {
        violations: results.violations,
        incomplete: results.incomplete,
        checked: {passes: ids("passes"), violations: ids("violations"),
                  incomplete: ids("incomplete"), inapplicable: ids("inapplicable")},
    };
}"""


def run_axe(page, *, result_types=("violations",)):
    """Run axe-core's :data:`AXE_TAGS` rules on ``page``'s document (a Playwright page, its
    main frame; axe-core is injected unless this document already has it).

    Returns ``{"violations": [...], "incomplete": [...], "checked": {kind: [rule id, ...]}}``:
    axe's result dicts for violations and incomplete results (every node of the kinds in
    ``result_types``, one node of the others, as axe's ``resultTypes`` option has it:
    https://github.com/dequelabs/axe-core/blob/develop/doc/API.md#options-parameter), and
    the ids of the rules that passed, failed, were incomplete or did not apply.
    """
    if not page.evaluate(_INJECTED):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": list(result_types)}
    return page.evaluate(_RUN, options)
