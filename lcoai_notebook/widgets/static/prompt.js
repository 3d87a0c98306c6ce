// The chat prompt box: a textarea where Enter sends and Shift+Enter makes a new line.
// Self-contained (no imports): it must work offline and on Binder.
function render({ model, el }) {
  const box = document.createElement("textarea");
  box.className = "lco-prompt";
  box.rows = model.get("rows");
  box.placeholder = model.get("placeholder");
  box.value = model.get("value");
  box.disabled = model.get("disabled");
  box.setAttribute("aria-label", model.get("placeholder") || "prompt");

  const push = () => {
    model.set("value", box.value);
    model.save_changes();
  };
  const onInput = () => push();
  const onKey = (event) => {
    // Keep the notebook's own shortcuts (Shift+Enter runs a cell, 'a'/'b' add cells ...) out of
    // the box while the user types in it.
    event.stopPropagation();
    const plain = !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (event.key === "Enter" && plain && !event.isComposing) {
      event.preventDefault();
      push();
      model.send({ type: "submit" });
    }
  };
  box.addEventListener("input", onInput);
  box.addEventListener("keydown", onKey);

  const onValue = () => {
    const value = model.get("value");
    if (box.value !== value) box.value = value;
  };
  const onDisabled = () => { box.disabled = model.get("disabled"); };
  const onPlaceholder = () => { box.placeholder = model.get("placeholder"); };
  model.on("change:value", onValue);
  model.on("change:disabled", onDisabled);
  model.on("change:placeholder", onPlaceholder);
  el.classList.add("lco-prompt-host");
  el.appendChild(box);
  return () => {
    box.removeEventListener("input", onInput);
    box.removeEventListener("keydown", onKey);
    model.off("change:value", onValue);
    model.off("change:disabled", onDisabled);
    model.off("change:placeholder", onPlaceholder);
  };
}

export default { render };
