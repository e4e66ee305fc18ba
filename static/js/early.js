/* Runs before the page paints (not deferred): marks that scripts run, for CSS that hides no-js fallbacks. */
document.documentElement.classList.replace("no-js", "js");
