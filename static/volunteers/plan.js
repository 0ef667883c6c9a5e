// The proposed plan: "tick all" and "untick all" for its changes (shown only when scripts run).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".plan-tick").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const value = button.dataset.tick === "1";
      document.querySelectorAll('input[name="line"]').forEach((box) => { box.checked = value; });
    });
  });
});
