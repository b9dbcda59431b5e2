// Draws the admin dashboard's charts from the figures the page carries (json_script).
(function () {
  const figures = JSON.parse(document.getElementById("dashboard-figures").textContent);
  const colours = ["#417690", "#f5a623", "#79aec8", "#d0021b", "#7ed321", "#9013fe", "#50e3c2", "#8b572a", "#4a4a4a"];
  Chart.defaults.animation = false; // drawn at once: screenshots and slow machines see the figures

  function draw(id, config) {
    const canvas = document.getElementById(id);
    canvas.chart = new Chart(canvas, config);
  }

  const review = figures.review;
  draw("chart-review", {
    data: {
      labels: review.labels,
      datasets: [
        { type: "bar", label: "held for review", data: review.held, backgroundColor: colours[0] },
        { type: "bar", label: "decided", data: review.decided, backgroundColor: colours[1] },
        { type: "line", label: "median hours to decision", data: review.median_hours, borderColor: colours[3], yAxisID: "hours" },
      ],
    },
    options: { scales: { y: { beginAtZero: true }, hours: { position: "right", beginAtZero: true } } },
  });
  draw("chart-reports", {
    type: "bar",
    data: { labels: figures.reports.labels, datasets: [{ label: "open reports", data: figures.reports.open, backgroundColor: colours[3] }] },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const activity = figures.activity;
  draw("chart-activity", {
    type: "line",
    data: {
      labels: activity.labels,
      datasets: [
        { label: "uploads", data: activity.uploads, borderColor: colours[0], backgroundColor: colours[0] },
        { label: "active viewers", data: activity.viewers, borderColor: colours[4], backgroundColor: colours[4] },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });
  const shares = figures.feed_shares;
  draw("chart-feed-shares", {
    type: "line",
    data: {
      labels: shares.labels,
      datasets: [
        { label: "exploration share", data: shares.exploration, borderColor: colours[5], backgroundColor: colours[5], spanGaps: true },
        { label: "exploration setting", data: shares.labels.map(() => shares.exploration_setting), borderColor: colours[5], borderDash: [6, 4], pointRadius: 0 },
        { label: "brand share of algorithmic picks", data: shares.brand, borderColor: colours[7], backgroundColor: colours[7], spanGaps: true },
      ],
    },
    options: { scales: { y: { beginAtZero: true, max: 1 } } },
  });
  draw("chart-funnel", {
    type: "bar",
    data: { labels: figures.funnel.labels, datasets: [{ label: "videos", data: figures.funnel.videos, backgroundColor: colours[2] }] },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  document.body.dataset.chartsDrawn = "true";
})();
