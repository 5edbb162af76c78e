// Dragging a guest onto a free seat: a progressive enhancement of the "Gast platzieren" form, which it fills and
// sends. Without a mouse (or without this script) the form's two lists do the same.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("place-form");
  if (!form) return;
  const guestSelect = form.querySelector("select[name=guest_id]");
  const seatSelect = form.querySelector("select[name=seat_id]");
  for (const chip of document.querySelectorAll(".guest-chip[data-guest-id]")) {
    chip.draggable = true;
    chip.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", chip.dataset.guestId);
      event.dataTransfer.effectAllowed = "move";
    });
  }
  for (const seat of document.querySelectorAll(".seat[data-seat-id]")) {
    seat.addEventListener("dragover", (event) => {
      event.preventDefault();
      seat.classList.add("drop-target");
    });
    seat.addEventListener("dragleave", () => seat.classList.remove("drop-target"));
    seat.addEventListener("drop", (event) => {
      event.preventDefault();
      const guestId = event.dataTransfer.getData("text/plain");
      if (!guestId) return;
      guestSelect.value = guestId;
      seatSelect.value = seat.dataset.seatId;
      form.requestSubmit();
    });
  }
});
