// The download links of the framework the reader has chosen in the code tabs are the
// prominent ones, and they follow the choice when it changes.
//
// bookbuild.sphinxext.downloads gives every download link the classes "d2l-download" and
// "d2l-download-<framework>" (the framework's tab sync id), and this script's tag the sync
// group of the framework tabs as data-sync-group. It runs after sphinx-design's
// design-tabs.js, which restores the stored choice on the page's tabs; the choice is read
// from the tabs, or on a page without tabs from the key design-tabs.js stores it under.
(function () {
  "use strict";

  const LINK = "d2l-download";
  const CHOSEN = "d2l-download-chosen";
  const group = document.currentScript
    ? document.currentScript.getAttribute("data-sync-group")
    : null;

  /** The framework chosen on this page's tabs, if it has any. */
  function pageChoice() {
    const label = document.querySelector(
      `.sd-tab-set > input:checked + label.sd-tab-label[data-sync-group="${group}"]`
    );
    return label ? label.getAttribute("data-sync-id") : null;
  }

  /** The framework stored by sphinx-design's tabs (null when none is stored or readable). */
  function storedChoice() {
    const tabs = document.querySelector("script[data-sd-tabs-storage-prefix]");
    const prefix = tabs ? tabs.getAttribute("data-sd-tabs-storage-prefix") : "";
    if (!prefix) return null;
    try {
      return window.localStorage.getItem(prefix + group);
    } catch (err) {
      return null; // storage blocked: no remembered choice
    }
  }

  /** Make the links of framework ``id`` the prominent ones. */
  function choose(id) {
    document.querySelectorAll(`a.${LINK}`).forEach((link) => {
      const chosen = link.classList.contains(`${LINK}-${id}`);
      link.classList.toggle(CHOSEN, chosen);
      if (chosen) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  function ready() {
    const id = pageChoice() || storedChoice();
    if (id) choose(id);
    // A tab's radio input fires "change" when the reader picks it; sphinx-design then
    // checks the other tab sets' inputs without firing it again.
    document.addEventListener("change", (event) => {
      const input = event.target;
      if (!(input instanceof HTMLInputElement) || !input.checked) return;
      const label = input.nextElementSibling;
      if (label instanceof HTMLElement && label.getAttribute("data-sync-group") === group) {
        choose(label.getAttribute("data-sync-id"));
      }
    });
  }

  if (!group) return;
  if (document.readyState !== "loading") {
    ready();
  } else {
    document.addEventListener("DOMContentLoaded", ready);
  }
})();
