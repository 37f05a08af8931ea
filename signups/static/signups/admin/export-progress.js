// The background exports page: while an export is queued or being made, ask for its
// progress every few seconds and show it; when one finishes (ready or failed), reload
// the page once so its download link or message appears. No inline script: the admin's
// Content-Security-Policy allows scripts with the page's nonce only.
(function () {
  "use strict";
  const root = document.querySelector("[data-status-url]");
  if (!root) return;
  const url = root.dataset.statusUrl;
  const live = document.getElementById("export-jobs-live");
  const ACTIVE = ["queued", "running"];
  const EVERY_MS = 2000;

  function update(job) {
    const row = root.querySelector(`tr[data-job="${job.id}"]`);
    if (!row) return false;
    const bar = row.querySelector("progress");
    bar.value = job.percent;
    bar.textContent = `${job.percent}%`;
    row.querySelector(".job-rows").textContent = `${job.rows_done} of ${job.rows_total} rows`;
    const changed = row.dataset.state !== job.state;
    if (changed && live) live.textContent = job.state_label;
    return changed && !ACTIVE.includes(job.state);
  }

  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        if (data.jobs.map(update).some(Boolean)) {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // Offline for a moment: try again at the next tick.
    }
    window.setTimeout(poll, EVERY_MS);
  }
  window.setTimeout(poll, EVERY_MS);
})();
