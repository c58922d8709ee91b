// Upload forms with a progress bar: XMLHttpRequest reports upload progress, fetch does not.
// Without JavaScript the form posts normally and the server renders the same errors.
(function () {
  "use strict";

  function showErrors(box, messages) {
    box.textContent = "";
    var list = document.createElement("ul");
    messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    box.appendChild(list);
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  function collect(payload) {
    var out = [];
    if (payload && payload.errors) {
      Object.keys(payload.errors).forEach(function (key) {
        [].concat(payload.errors[key]).forEach(function (e) {
          out.push(typeof e === "string" ? e : e.message);
        });
      });
    }
    if (!out.length && payload && payload.detail) out.push(payload.detail);
    return out;
  }

  // What the server would refuse anyway, said before a byte is sent: an empty file, or one over
  // the size limit (the browser knows the size; sending 2 GB to learn it is too big is cruel).
  function refusal(form) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file) return null;
    if (file.size === 0) {
      return (form.getAttribute("data-error-empty") || "").split("{name}").join(file.name);
    }
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (max > 0 && file.size > max) return form.getAttribute("data-error-too-large");
    return null;
  }

  function enhance(form) {
    var box = form.querySelector("[data-upload-errors]");
    var wrap = form.querySelector("[data-upload-progress]");
    var bar = wrap && wrap.querySelector("progress");
    var status = wrap && wrap.querySelector("[data-upload-status]");
    var button = form.querySelector("button[type=submit]");

    var input = form.querySelector("input[type=file]");

    if (input) {
      input.addEventListener("change", function () {
        input.removeAttribute("aria-invalid");
      });
    }

    form.addEventListener("submit", function (event) {
      var refused = refusal(form);
      if (refused) {
        event.preventDefault();
        input.setAttribute("aria-invalid", "true");
        showErrors(box, [refused]);
        return;
      }
      if (!window.FormData || !bar) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.responseType = "json";
      wrap.hidden = false;
      bar.value = 0;
      button.disabled = true;
      box.hidden = true;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.floor((e.loaded / e.total) * 100);
        bar.value = pct;
        status.textContent = pct + " %";
      });
      xhr.addEventListener("load", function () {
        var payload = xhr.response || {};
        if (xhr.status >= 200 && xhr.status < 300 && payload.redirect) {
          window.location.assign(payload.redirect);
          return;
        }
        button.disabled = false;
        wrap.hidden = true;
        var messages = collect(payload);
        if (!messages.length) messages = [form.getAttribute("data-error-generic") + " (" + xhr.status + ")"];
        showErrors(box, messages);
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        wrap.hidden = true;
        showErrors(box, [form.getAttribute("data-error-network")]);
      });
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-upload-form]").forEach(enhance);
})();
