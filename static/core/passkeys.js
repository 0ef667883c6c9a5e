// Sign-in security: once a passkey is added, show the page again (it lists the new factor).
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
