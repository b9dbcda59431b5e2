// Plays each <video data-hls> on an admin page: hls.js where the browser has Media Source
// Extensions (Chromium, Firefox), the browser's own HLS where it has it (Safari).
(function () {
  for (const video of document.querySelectorAll("video[data-hls]")) {
    const source = video.dataset.hls;
    if (window.Hls && Hls.isSupported()) {
      const hls = new Hls();
      hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) video.dataset.playerError = data.details; });
      hls.loadSource(source);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = source;
    }
  }
})();
