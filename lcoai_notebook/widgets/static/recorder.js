// lcoai-notebook AudioRecorder: record from the browser's microphone and hand the bytes to Python.
//
// Self-contained on purpose: no imports at all (Binder and offline users have no CDN).
// Facts this relies on (checked in Chromium, see the project's widget-async notes):
// - MediaRecorder's real mimeType is known only in onstop (empty right after start());
//   Chromium records audio/webm;codecs=opus, Safari audio/mp4, so we send whatever it recorded.
// - model.send(content, callbacks, buffers): the buffers are the THIRD argument;
//   model.send(content, [buf]) would silently send no buffer.

const MESSAGE = "lco-recording";

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function explain(err) {
  const name = (err && err.name) || "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Microphone access was denied: allow the microphone for this page in the " +
      "browser's site settings, then click Record again.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No microphone was found: connect one (or pick one in the system settings) " +
      "and click Record again.";
  }
  if (name === "NotReadableError") {
    return "The microphone is in use by another application or could not be opened.";
  }
  return `Could not record: ${(err && err.message) || String(err)}`;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "lco-rec";
  const button = document.createElement("button");
  button.className = "lco-rec-button";
  button.type = "button";
  const dot = document.createElement("span");
  dot.className = "lco-rec-dot";
  const label = document.createElement("span");
  button.append(dot, label);
  const status = document.createElement("span");
  status.className = "lco-rec-status";
  const error = document.createElement("div");
  error.className = "lco-rec-error";
  error.setAttribute("role", "alert");
  root.append(button, status, error);
  el.appendChild(root);

  let recorder = null; // the MediaRecorder while recording, else null
  let stream = null;
  let timer = null;
  let pending = false; // asking for the microphone, or stopping and sending
  let gone = false; // the view was removed

  function releaseMic(which) {
    if (which) for (const track of which.getTracks()) track.stop();
    if (which === stream) stream = null;
  }

  function stopTimer() {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  function paint() {
    const recording = recorder !== null;
    label.textContent = recording ? "Stop" : "Record";
    root.classList.toggle("lco-rec-on", recording);
    // Disabled (the panel is busy) only blocks starting; a running recording can always stop.
    button.disabled = pending || (!recording && Boolean(model.get("disabled")));
    if (!recording && !pending) status.textContent = model.get("status") || "";
    error.textContent = model.get("error") || "";
    error.style.display = error.textContent ? "" : "none";
  }

  function setError(text) {
    model.set("error", text);
    model.save_changes();
    paint();
  }

  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia ||
        typeof MediaRecorder === "undefined") {
      setError("This browser page cannot record: the microphone needs a secure page " +
        "(https or localhost) and a browser with MediaRecorder. Upload a file instead.");
      return;
    }
    pending = true;
    status.textContent = "Asking for the microphone…";
    paint();
    let mic;
    try {
      mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      pending = false;
      setError(explain(err));
      return;
    }
    pending = false;
    if (gone) {
      releaseMic(mic);
      return;
    }
    if (model.get("error")) setError("");
    // Each recording keeps its own recorder, stream and chunks, so a late onstop cannot
    // touch the next recording.
    const chunks = [];
    const rec = new MediaRecorder(mic);
    const started = performance.now();
    stream = mic;
    recorder = rec;
    rec.ondataavailable = (event) => {
      if (event.data && event.data.size > 0) chunks.push(event.data);
    };
    rec.onerror = (event) => setError(explain(event.error || event));
    rec.onstop = async () => {
      const duration = (performance.now() - started) / 1000;
      // The real type is known only now; fall back to the first chunk's type.
      const mime = rec.mimeType || (chunks[0] && chunks[0].type) || "";
      stopTimer();
      releaseMic(mic);
      if (recorder === rec) recorder = null;
      const blob = new Blob(chunks, { type: mime });
      if (blob.size === 0) {
        pending = false;
        setError("The recording is empty: check that the microphone is not muted.");
        return;
      }
      paint();
      // Python answers by setting `status` once the bytes have arrived.
      status.textContent = `Sending ${(blob.size / 1024).toFixed(1)} KB to Python…`;
      try {
        const buffer = await blob.arrayBuffer();
        model.send({ type: MESSAGE, mime_type: mime, duration }, undefined, [buffer]);
      } finally {
        pending = false;
        paint();
        status.textContent = model.get("status") || status.textContent;
      }
    };
    // A timeslice makes long recordings arrive in pieces rather than one huge final chunk.
    rec.start(1000);
    timer = setInterval(() => {
      status.textContent = `Recording… ${clock((performance.now() - started) / 1000)}`;
    }, 250);
    paint();
    status.textContent = "Recording… 0:00";
  }

  button.addEventListener("click", () => {
    if (pending) return;
    if (recorder !== null) {
      pending = true; // until the bytes are sent
      const rec = recorder;
      rec.stop();
      paint();
    } else {
      start();
    }
  });

  const repaint = () => paint();
  model.on("change:status", repaint);
  model.on("change:error", repaint);
  model.on("change:disabled", repaint);
  paint();

  return () => {
    gone = true;
    model.off("change:status", repaint);
    model.off("change:error", repaint);
    model.off("change:disabled", repaint);
    stopTimer();
    if (recorder !== null && recorder.state !== "inactive") {
      // The view is going away: drop this recording rather than send it half-way.
      recorder.onstop = null;
      recorder.stop();
    }
    recorder = null;
    releaseMic(stream);
  };
}

export default { render };
