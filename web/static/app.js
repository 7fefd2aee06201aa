// Signon: progressive enhancements only; every page works without this file.
(function () {
  "use strict";

  // The sign form's state select lists the states and provinces of every
  // country that has them, grouped by country. With a country chosen, show
  // only its group; for a country without any, hide the field, since the
  // server does not ask for a region there.
  //
  // The public sign form lists only the countries with states, and
  // "another country" (value "other"), named in a text input: show that
  // input only when it is chosen.
  function enhanceRegionSelect(form) {
    var country = form.querySelector("[data-country-select]");
    var region = form.querySelector("[data-region-select]");
    var field = form.querySelector("[data-region-field]");
    var other = form.querySelector("[data-country-other-field]");
    if (!country || !region || !field) {
      return;
    }
    var groups = {};
    Array.prototype.forEach.call(region.querySelectorAll("optgroup[data-country]"), function (g) {
      groups[g.getAttribute("data-country")] = g;
    });

    function hasOption(group, value) {
      for (var i = 0; i < group.children.length; i++) {
        if (group.children[i].value === value) {
          return true;
        }
      }
      return false;
    }

    function update() {
      var chosen = groups[country.value];
      var current = region.value;
      Object.keys(groups).forEach(function (code) {
        var g = groups[code];
        if (g !== chosen && g.parentNode) {
          g.parentNode.removeChild(g);
        }
      });
      if (chosen) {
        if (!chosen.parentNode) {
          region.appendChild(chosen);
        }
        region.value = hasOption(chosen, current) ? current : "";
        field.hidden = false;
      } else {
        region.value = "";
        field.hidden = true;
      }
      if (other) {
        other.hidden = country.value !== "other";
      }
    }

    country.addEventListener("change", update);
    update();
  }

  // An error summary link moves focus to its field, not only the view,
  // and keeps the field's label in sight.
  function enhanceErrorSummary(alert) {
    alert.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) {
        return;
      }
      event.preventDefault();
      var label = document.querySelector("label[for='" + input.id + "']");
      (label || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form.sign-form, form[data-regions]"), enhanceRegionSelect);
    var alert = document.getElementById("sign-alert");
    if (alert) {
      enhanceErrorSummary(alert);
      // The form is below the statement: bring its summary to the top of
      // the screen, and focus it so screen readers start there.
      alert.scrollIntoView({ block: "start" });
      alert.focus({ preventScroll: true });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
