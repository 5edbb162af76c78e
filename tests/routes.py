"""Every view of the application, who may call it, and the objects its URL needs.

tests/test_access.py checks each row against every role and anonymous visitors, and fails when a view
registered in the app has no row here; tests/test_languages.py renders every GET row in German and English.

A new view gets ONE line in ROUTES: endpoint, method, URL (placeholders in braces are filled from the
`world` fixture in conftest.py; add what a new URL needs there), and who may call it.
"""

from __future__ import annotations

from typing import NamedTuple

ROLES = ("admin", "organiser", "jury", "checkin")
ANONYMOUS = "anonymous"

# Who may call a view. Roles are user roles; ANONYMOUS stands for a visitor who is not signed in.
EVERYONE = frozenset({ANONYMOUS, *ROLES})
SIGNED_IN = frozenset(ROLES)
ORGANISERS = frozenset({"organiser", "admin"})  # role_required("organiser") lets admins in too
ADMINS = frozenset({"admin"})
JURY = frozenset({"jury"})
CHECKIN = frozenset({"checkin"})


class Route(NamedTuple):
    endpoint: str
    method: str
    url: str  # placeholders such as {organisation} are filled from the world fixture
    allowed: frozenset[str]
    data: dict | None = None  # form data for POST rows

    def path(self, world: dict) -> str:
        return self.url.format(**world)

    @property
    def id(self) -> str:
        return f"{self.endpoint}:{self.method}"


# fmt: off
ROUTES = [
    # pages
    Route("pages.start",                  "GET",  "/",                                             EVERYONE),
    Route("pages.health",                 "GET",  "/healthz",                                      EVERYONE),
    Route("pages.set_language",           "POST", "/language",                         EVERYONE, {"lang": "en"}),
    # accounts
    Route("accounts.login",               "GET",  "/accounts/login",                               EVERYONE),
    Route("accounts.logout",              "POST", "/accounts/logout",                              SIGNED_IN),
    Route("accounts.forgot_password",     "GET",  "/accounts/password/forgot",                     EVERYONE),
    Route("accounts.reset_password",      "GET",  "/accounts/password/reset/{reset_token}",        EVERYONE),
    Route("accounts.accept_invitation",   "GET",  "/accounts/invitation/{invitation_token}",       EVERYONE),
    # admin
    Route("admin.users",                  "GET",  "/admin/users",                                  ADMINS),
    Route("admin.invite_user",            "GET",  "/admin/users/invite",                           ADMINS),
    Route("admin.edit_user",              "GET",  "/admin/users/{invitee}",                        ADMINS),
    Route("admin.resend_invitation",      "POST", "/admin/users/{invitee}/resend",                 ADMINS),
    Route("admin.audit_log",              "GET",  "/admin/audit",                                  ADMINS),
    # directory
    Route("directory.organisations",      "GET",  "/directory/organisations",                      ORGANISERS),
    Route("directory.new_organisation",   "GET",  "/directory/organisations/new",                  ORGANISERS),
    Route("directory.organisation",       "GET",  "/directory/organisations/{organisation}",       ORGANISERS),
    Route("directory.edit_organisation",  "GET",  "/directory/organisations/{organisation}/edit",  ORGANISERS),
    Route("directory.people",             "GET",  "/directory/people",                             ORGANISERS),
    Route("directory.new_person",         "GET",  "/directory/people/new",                         ORGANISERS),
    Route("directory.edit_person",        "GET",  "/directory/people/{person}/edit",               ORGANISERS),
    # mail
    Route("mail.sent",                    "GET",  "/mail/",                                        ORGANISERS),
    Route("mail.show",                    "GET",  "/mail/{mail}",                                  ORGANISERS),
    Route("mail.send_now",                "POST", "/mail/send-now",                                ORGANISERS),
    # certificates
    Route("certificates.index",           "GET",  "/certificates/",                                ORGANISERS),
    Route("certificates.new_batch_view",  "GET",  "/certificates/batches/new",                     ORGANISERS),
    Route("certificates.preview_image",   "POST", "/certificates/batches/preview.png",             ORGANISERS,
          {"kind": "appreciation", "source": "csv", "csv_text": "Erika Muster", "design": "classic",
           "title": "Dankesurkunde", "body_template": "Danke, {name}.", "issuer": "Ministerium"}),
    Route("certificates.batch",           "GET",  "/certificates/batches/{certificate_batch}",     ORGANISERS),
    Route("certificates.batch_progress",  "GET",  "/certificates/batches/{certificate_batch}/progress", ORGANISERS),
    Route("certificates.batch_pdf",       "GET",  "/certificates/batches/{certificate_batch}/certificates.pdf",
          ORGANISERS),
    Route("certificates.batch_zip",       "GET",  "/certificates/batches/{certificate_batch}/certificates.zip",
          ORGANISERS),
    Route("certificates.restart_batch",   "POST", "/certificates/batches/{certificate_batch}/restart", ORGANISERS),
    Route("certificates.certificate",     "GET",  "/certificates/{certificate}",                   ORGANISERS),
    Route("certificates.certificate_download", "GET", "/certificates/{certificate}/certificate.pdf", ORGANISERS),
    Route("certificates.revoke",          "POST", "/certificates/{certificate}/revoke",            ORGANISERS,
          {"reason": "Testgrund"}),
    Route("certificates.correct",         "POST", "/certificates/{certificate}/correct",           ORGANISERS,
          {"name": "Erika Berichtigt"}),
    Route("certificates.verify",          "GET",  "/certificates/v/{certificate_code}",            EVERYONE),
    Route("certificates.participant",     "GET",  "/certificates/participant/{manage_token}",      EVERYONE),
]
# fmt: on
