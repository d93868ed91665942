/* 我要报事: the category picker (search; once chosen it folds to one line), photo previews
 * with the limit of six, and one submission per tap. The form works without this script;
 * this only saves taps. */
(function () {
  "use strict";

  function initPicker(picker) {
    var search = picker.querySelector("[data-category-search]");
    var empty = picker.querySelector("[data-category-empty]");
    var change = picker.querySelector("[data-category-change]");
    var chosenLabel = picker.querySelector("[data-category-chosen]");
    var tiles = Array.prototype.slice.call(picker.querySelectorAll("[data-search]"));
    var sections = Array.prototype.slice.call(picker.querySelectorAll("[data-category-group]"));

    function filter() {
      var q = search.value.trim().toLowerCase();
      var shown = 0;
      tiles.forEach(function (tile) {
        var hit = !q || tile.dataset.search.toLowerCase().indexOf(q) !== -1;
        tile.hidden = !hit;
        if (hit) shown += 1;
      });
      sections.forEach(function (section) {
        var any = section.querySelector("[data-search]:not([hidden])");
        section.hidden = !any;
        if (section.tagName === "DETAILS") section.open = Boolean(q && any);
      });
      empty.hidden = shown > 0;
    }

    function choose(input) {
      var tile = input.closest("[data-search]");
      chosenLabel.textContent = tile ? tile.dataset.label : "";
      picker.classList.add("chosen");
      search.value = "";
      filter();
    }

    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    picker.addEventListener("change", function (e) {
      if (e.target.name === "category") choose(e.target);
    });
    change.addEventListener("click", function () {
      picker.classList.remove("chosen");
      search.focus();
    });
    var checked = picker.querySelector("input[name=category]:checked");
    if (checked) choose(checked);
  }

  function initPhotos(input) {
    var max = Number(input.dataset.max || 6);
    var box = input.closest("fieldset, .field, form") || document;
    var list = box.querySelector("[data-photo-previews]");
    var note = box.querySelector("[data-photo-note]");
    input.addEventListener("change", function () {
      list.innerHTML = "";
      var files = Array.prototype.slice.call(input.files || []);
      files.slice(0, max).forEach(function (file) {
        var item = document.createElement("li");
        if (/^image\/(jpeg|png|webp|gif)$/.test(file.type)) {
          var img = document.createElement("img");
          img.alt = file.name;
          img.src = URL.createObjectURL(file);
          item.appendChild(img);
        } else {
          item.textContent = file.name;
        }
        list.appendChild(item);
      });
      note.textContent = files.length > max ? note.dataset.tooMany.replace("%(count)s", files.length) : "";
      note.hidden = files.length <= max;
    });
  }

  function initForm(form) {
    form.addEventListener("submit", function (e) {
      var photos = form.querySelector("input[type=file]");
      if (photos && photos.files && photos.files.length > Number(photos.dataset.max || 6)) {
        e.preventDefault();
        photos.focus();
        return;
      }
      if (form.dataset.sent) { e.preventDefault(); return; }
      form.dataset.sent = "1";
      var button = form.querySelector("[type=submit]");
      if (button) { button.disabled = true; button.textContent = button.dataset.busy; }
    });
    // Coming back to the page (back button) must allow sending again with the same token.
    window.addEventListener("pageshow", function () {
      delete form.dataset.sent;
      var button = form.querySelector("[type=submit]");
      if (button) { button.disabled = false; button.textContent = button.dataset.label; }
    });
  }

  // Wire each element once: init runs again after every HTMX swap.
  function once(selector, fn) {
    document.querySelectorAll(selector).forEach(function (el) {
      if (el.dataset.wired) return;
      el.dataset.wired = "1";
      fn(el);
    });
  }

  // A link to one action of the order page (…#act-return) opens that action's form.
  function openLinkedAction() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView({ block: "start" });
    }
  }

  function init() {
    once("[data-category-picker]", initPicker);
    once("input[data-photos]", initPhotos);
    once("form[data-order-form]", initForm);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.addEventListener("load", openLinkedAction);
  window.addEventListener("hashchange", openLinkedAction);
  // The order page swaps its action panel in place (HTMX): wire up the new photo inputs.
  document.addEventListener("htmx:afterSettle", init);
})();
