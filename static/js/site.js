/* 师傅学习平台 — small enhancements. Loaded with `defer`; every page works without it.
   1. "这篇文章对您有帮助吗？" votes without leaving the article.
   2. FAQ: open the <details> a #link points at.
   3. Print buttons on the printable handbook.
   4. Search suggestions under search boxes (titles as you type). */
(function () {
  "use strict";

  /* 1 ─ Article vote ───────────────────────────────────────────────────────
     The links in #helpful go to the vote page (a form) when there is no script.
     Here: GET the vote URL as JSON for a CSRF token, POST the choice, show the
     returned message. On any failure fall back to following the link. */
  function initVote() {
    var widget = document.getElementById("helpful");
    if (!widget || !window.fetch || !window.URLSearchParams) return;
    var voteUrl = widget.getAttribute("data-vote-url");
    var actions = widget.querySelector("[data-vote-actions]");
    var status = widget.querySelector("[data-vote-status]");
    if (!voteUrl || !actions || !status) return;

    actions.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-vote]");
      if (!link) return;
      event.preventDefault();
      if (actions.getAttribute("aria-busy") === "true") return;
      actions.setAttribute("aria-busy", "true");

      var choice = link.getAttribute("data-vote");
      var jsonHeaders = { Accept: "application/json" };

      fetch(voteUrl, { headers: jsonHeaders, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("token " + response.status);
          return response.json();
        })
        .then(function (data) {
          return fetch(voteUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: {
              Accept: "application/json",
              "Content-Type": "application/x-www-form-urlencoded",
              "X-CSRFToken": data.csrf_token,
            },
            body: new URLSearchParams({ helpful: choice }).toString(),
          });
        })
        .then(function (response) {
          if (!response.ok) throw new Error("vote " + response.status);
          return response.json();
        })
        .then(function (data) {
          actions.remove();
          status.textContent = data.message || "";
          status.focus();
        })
        .catch(function () {
          // Rate limited, offline or the server said no: the no-script page explains.
          window.location.href = link.href;
        });
    });
  }

  /* 2 ─ FAQ ────────────────────────────────────────────────────────────────
     Opens the <details> the URL fragment names (or the one containing it). */
  function openTargetedDetails() {
    var id = window.location.hash.slice(1);
    if (!id) return;
    try {
      id = decodeURIComponent(id);
    } catch (error) {
      return;
    }
    var target = document.getElementById(id);
    if (!target) return;
    var details = target.closest("details");
    if (!details) return;
    if (!details.open) details.open = true;
    if (details === target) {
      var summary = details.querySelector("summary");
      if (summary) summary.focus({ preventScroll: true });
      details.scrollIntoView({ block: "start" });
    }
  }

  function initFaq() {
    if (!document.querySelector("details[id]")) return;
    openTargetedDetails();
    window.addEventListener("hashchange", openTargetedDetails);
  }

  /* 3 ─ Print ──────────────────────────────────────────────────────────────
     Print buttons are rendered hidden: they only work with this script. */
  function initPrint() {
    if (typeof window.print !== "function") return;
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  /* 4 ─ Search suggestions ───────────────────────────────────────────────
     Inputs with data-suggest-url become an ARIA combobox: typing fetches
     {"suggestions": [{title, url, type_label}]} and lists them below; ↓/↑ move
     through the list, Enter opens the highlighted title (or submits the form as
     usual), Esc closes it. Titles are set as text, never as HTML. Without the
     script the form still submits to /search/, whose page suggests titles too. */
  function initSearchSuggest() {
    if (!window.fetch) return;
    document.querySelectorAll("input[data-suggest-url]").forEach(function (input, index) {
      var url = input.getAttribute("data-suggest-url");
      var host = input.parentNode;
      var list = document.createElement("ul");
      var listId = "search-suggest-" + index;
      var items = [];
      var active = -1;
      var timer = null;
      var controller = null;
      var lastQuery = "";

      list.id = listId;
      list.className = "search-suggest";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "搜索建议");
      list.hidden = true;
      host.classList.add("search-suggest-host");
      host.appendChild(list);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-controls", listId);
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("autocomplete", "off");

      function close() {
        list.hidden = true;
        active = -1;
        input.setAttribute("aria-expanded", "false");
        input.removeAttribute("aria-activedescendant");
      }

      function highlight(position) {
        items.forEach(function (item, i) {
          item.setAttribute("aria-selected", i === position ? "true" : "false");
        });
        active = position;
        if (position >= 0) {
          input.setAttribute("aria-activedescendant", items[position].id);
        } else {
          input.removeAttribute("aria-activedescendant");
        }
      }

      function render(suggestions) {
        list.textContent = "";
        items = suggestions.map(function (suggestion, i) {
          var option = document.createElement("li");
          var title = document.createElement("span");
          var type = document.createElement("span");
          option.id = listId + "-" + i;
          option.className = "search-suggest-option";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.setAttribute("data-url", suggestion.url);
          title.textContent = suggestion.title;
          type.className = "search-suggest-type";
          type.textContent = suggestion.type_label || "";
          option.appendChild(title);
          option.appendChild(type);
          list.appendChild(option);
          return option;
        });
        active = -1;
        if (items.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        } else {
          close();
        }
      }

      function fetchSuggestions() {
        var query = input.value.trim();
        if (query === lastQuery) return;
        lastQuery = query;
        if (!query) {
          render([]);
          return;
        }
        if (controller) controller.abort();
        controller = window.AbortController ? new AbortController() : null;
        fetch(url + "?q=" + encodeURIComponent(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller ? controller.signal : undefined,
        })
          .then(function (response) {
            if (!response.ok) throw new Error("suggest " + response.status);
            return response.json();
          })
          .then(function (data) {
            if (input.value.trim() === query) render(data.suggestions || []);
          })
          .catch(function () {
            /* Offline, aborted or rate limited: the form still works. */
          });
      }

      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(fetchSuggestions, 150);
      });

      input.addEventListener("keydown", function (event) {
        if (list.hidden || !items.length) return;
        if (event.key === "ArrowDown") {
          event.preventDefault();
          highlight((active + 1) % items.length);
        } else if (event.key === "ArrowUp") {
          event.preventDefault();
          highlight(active <= 0 ? items.length - 1 : active - 1);
        } else if (event.key === "Enter" && active >= 0) {
          event.preventDefault();
          window.location.href = items[active].getAttribute("data-url");
        } else if (event.key === "Escape") {
          event.preventDefault();
          close();
        }
      });

      input.addEventListener("blur", function () {
        window.setTimeout(close, 150);
      });

      list.addEventListener("mousedown", function (event) {
        var option = event.target.closest("[role=option]");
        if (!option) return;
        event.preventDefault();
        window.location.href = option.getAttribute("data-url");
      });
    });
  }

  function init() {
    initVote();
    initFaq();
    initPrint();
    initSearchSuggest();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
