"""Every view of the application, who may call it, and the objects its URL needs.

tests/test_access.py checks each row against every role and anonymous visitors, and fails when a view
registered in the app has no row here; tests/test_languages.py renders every GET row in German and English.

A new view gets ONE line in ROUTES: endpoint, method, URL (placeholders in braces are filled from the
`world` fixture in conftest.py; add what a new URL needs there), and who may call it.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

ROLES = ("admin", "organiser", "jury", "checkin")
ANONYMOUS = "anonymous"
DEVICE = "device"  # a scanning device: no session, its token in `Authorization: Bearer ...`

# Who may call a view. Roles are user roles; ANONYMOUS stands for a visitor who is not signed in.
EVERYONE = frozenset({ANONYMOUS, *ROLES})
SIGNED_IN = frozenset(ROLES)
ORGANISERS = frozenset({"organiser", "admin"})  # role_required("organiser") lets admins in too
ADMINS = frozenset({"admin"})
JURY = frozenset({"jury"})
CHECKIN = frozenset({"checkin"})
# check-in staff assigned to the event in the URL (the world's check-in user is), and organisers
CHECKIN_STAFF = frozenset({"checkin", "organiser", "admin"})
CHAIR_OR_ORGANISERS = frozenset({"jury", "organiser", "admin"})  # the jury's chair (the world's jury account)
# members of a tandem programme (by personal link or an account linked to their person) and organisers; the
# world's users hold no membership, so only organisers get through here (tests/tandems prove the members' way in)
TANDEM_MEMBERS = ORGANISERS
DEVICES = frozenset({DEVICE})  # the check-in API: a device token, never a session; refused with 401 JSON


class Route(NamedTuple):
    endpoint: str
    method: str
    url: str  # placeholders such as {organisation} are filled from the world fixture
    allowed: frozenset[str]
    data: dict | None = None  # form data for POST rows
    json: dict | None = None  # the JSON body of API rows (they always send JSON, {} by default)

    def path(self, world: dict) -> str:
        return self.url.format(**world)

    def form_data(self, world: dict) -> dict:
        """The POST row's form data, with placeholders such as "{person}" filled from the world fixture."""
        return {name: value.format(**world) for name, value in (self.data or {}).items()}

    @property
    def suffix(self) -> str:
        """The file type the URL asks for (".ics", ".pdf", ...), or ""."""
        last = urlsplit(self.url).path.rsplit("/", 1)[-1]
        return "." + last.rsplit(".", 1)[1] if "." in last else ""

    @property
    def api(self) -> bool:
        return DEVICE in self.allowed

    @property
    def id(self) -> str:
        return f"{self.endpoint}:{self.method}{self.suffix}"


# fmt: off
ROUTES = [
    # tandems
    Route("tandems.index",                "GET",  "/tandems/",                                     ORGANISERS),
    Route("tandems.new_programme",        "GET",  "/tandems/new",                                  ORGANISERS),
    Route("tandems.edit_programme",       "GET",  "/tandems/{tandem_programme}/edit",              ORGANISERS),
    Route("tandems.programme",            "GET",  "/tandems/{tandem_programme}",                   ORGANISERS),
    Route("tandems.new_group",            "POST", "/tandems/{tandem_programme}/groups",            ORGANISERS,
          {"name": "Tandem Schwaben", "region_id": "{tandem_region}"}),
    Route("tandems.new_chapter",          "POST", "/tandems/{tandem_programme}/chapters",          ORGANISERS,
          {"title": "Gemeinsame Projekte"}),
    Route("tandems.set_phase",            "POST", "/tandems/{tandem_programme}/phase",             ORGANISERS,
          {"phase": "consolidation"}),
    Route("tandems.approve",              "POST", "/tandems/{tandem_programme}/sign-off",          ORGANISERS,
          {"approved_by": "Dr. Maria Amt"}),
    Route("tandems.issue_certificates",   "POST", "/tandems/{tandem_programme}/certificates",      ORGANISERS),
    Route("tandems.new_pair",             "POST", "/tandems/groups/{tandem_group}/pairs",          ORGANISERS,
          {"agency_id": "{tandem_agency}", "lotsen_id": "{tandem_lotsen}"}),
    Route("tandems.new_member",           "POST", "/tandems/groups/{tandem_group}/members",        ORGANISERS,
          {"person_id": "{person}", "role": "member"}),
    Route("tandems.send_link",            "POST", "/tandems/members/{tandem_member}/link",         ORGANISERS),
    Route("tandems.new_meeting",          "POST", "/tandems/groups/{tandem_group}/meetings",       ORGANISERS,
          {"starts_at": "2031-03-01T10:00", "ends_at": "2031-03-01T13:00", "venue_name": "Landshut"}),
    Route("tandems.personal_link",        "GET",  "/tandems/link/{tandem_token}",                  EVERYONE),
    Route("tandems.group",                "GET",  "/tandems/groups/{tandem_group}",                TANDEM_MEMBERS),
    Route("tandems.guideline",            "GET",  "/tandems/{tandem_programme}/guideline",         TANDEM_MEMBERS),
    Route("tandems.new_block",            "POST", "/tandems/chapters/{tandem_chapter}/blocks",     TANDEM_MEMBERS,
          {"title": "Keine Parallelstrukturen", "text": "Erst schauen, was es gibt.", "group_id": "{tandem_group}"}),
    Route("tandems.block",                "GET",  "/tandems/blocks/{tandem_block}",                TANDEM_MEMBERS),
    Route("tandems.edit_block",           "POST", "/tandems/blocks/{tandem_block}/edit",           TANDEM_MEMBERS,
          {"title": "Gemeinsame Pressearbeit", "text": "Die Tandems schreiben gemeinsam."}),
    Route("tandems.comment",              "POST", "/tandems/blocks/{tandem_block}/comments",       TANDEM_MEMBERS,
          {"comment": "Guter Punkt."}),
    Route("tandems.remove_a_comment",     "POST", "/tandems/comments/{tandem_comment}/remove",     TANDEM_MEMBERS),
    Route("tandems.suggest",              "POST", "/tandems/blocks/{tandem_block}/suggestions",    TANDEM_MEMBERS,
          {"proposal": "Die Tandems planen alles gemeinsam."}),
    Route("tandems.decide",               "POST", "/tandems/suggestions/{tandem_suggestion}/decide", TANDEM_MEMBERS,
          {"decision": "reject"}),
    Route("tandems.change_state",         "POST", "/tandems/blocks/{tandem_block}/state",          TANDEM_MEMBERS,
          {"state": "in_review"}),
    Route("tandems.merge",                "POST", "/tandems/blocks/{tandem_block}/merge",          TANDEM_MEMBERS,
          {"into_id": "{tandem_other_block}"}),
    Route("tandems.compare_block",        "GET",  "/tandems/blocks/{tandem_block}/compare",        TANDEM_MEMBERS),
    Route("tandems.compare_guideline",    "GET",  "/tandems/{tandem_programme}/compare",           TANDEM_MEMBERS),
    Route("tandems.guideline_as_pdf",     "GET",  "/tandems/{tandem_programme}/guideline.pdf",     TANDEM_MEMBERS),
    Route("tandems.guideline_print",      "GET",  "/tandems/{tandem_programme}/guideline/print",   TANDEM_MEMBERS),
    Route("tandems.guideline_print",      "POST", "/tandems/{tandem_programme}/guideline/print",   TANDEM_MEMBERS),
    Route("tandems.guideline_as_docx",    "GET",  "/tandems/{tandem_programme}/guideline.docx",    TANDEM_MEMBERS),
    Route("tandems.minutes",              "GET",  "/tandems/meetings/{tandem_meeting}/minutes",    TANDEM_MEMBERS),
    # ceremonies: the organisers' pages (guest list, seating, running order, documents) and a guest's personal page
    Route("ceremonies.index",             "GET",  "/ceremonies/",                                  ORGANISERS),
    Route("ceremonies.create",            "GET",  "/ceremonies/events/{ceremony_event}/create",    ORGANISERS),
    Route("ceremonies.create",            "POST", "/ceremonies/events/{ceremony_event}/create",    ORGANISERS,
          {"guest_allowance": "2"}),
    Route("ceremonies.ceremony",          "GET",  "/ceremonies/{ceremony}",                        ORGANISERS),
    Route("ceremonies.settings",          "POST", "/ceremonies/{ceremony}/settings",               ORGANISERS,
          {"guest_allowance": "3", "requires_date_of_birth": "y"}),
    Route("ceremonies.add_guest",         "POST", "/ceremonies/{ceremony}/guests",                 ORGANISERS,
          {"kind": "honoured", "first_name": "Anna", "last_name": "Ministerin", "email": "anna@stmi.example",
           "office": "Staatsministerin", "protocol_rank": "1", "language": "de"}),
    Route("ceremonies.invite_winners",    "POST", "/ceremonies/{ceremony}/invite-winners",         ORGANISERS),
    Route("ceremonies.security_list",     "GET",  "/ceremonies/{ceremony}/security.csv",           ORGANISERS),
    Route("ceremonies.new_document",      "POST", "/ceremonies/{ceremony}/documents",              ORGANISERS,
          {"kind": "greeting_list"}),
    Route("ceremonies.document",          "GET",  "/ceremonies/{ceremony}/documents/{ceremony_document}.pdf",
          ORGANISERS),
    Route("ceremonies.seating",           "GET",  "/ceremonies/{ceremony}/seating",                ORGANISERS),
    Route("ceremonies.new_section",       "POST", "/ceremonies/{ceremony}/seating/sections",       ORGANISERS,
          {"kind": "row", "label": "Reihe B", "seat_count": "10"}),
    Route("ceremonies.delete_section",    "POST", "/ceremonies/{ceremony}/seating/sections/{ceremony_section}/delete",
          ORGANISERS),
    Route("ceremonies.place",             "POST", "/ceremonies/{ceremony}/seating/place",          ORGANISERS,
          {"guest_id": "{ceremony_guest}", "seat_id": "{ceremony_seat}"}),
    Route("ceremonies.seat_action",       "POST", "/ceremonies/{ceremony}/seating/seats",          ORGANISERS,
          {"block": "{ceremony_seat}"}),
    Route("ceremonies.plan_action",       "POST", "/ceremonies/{ceremony}/seating/suggest",        ORGANISERS),
    Route("ceremonies.plan_action",       "POST", "/ceremonies/{ceremony}/seating/clear",          ORGANISERS),
    Route("ceremonies.running_order_page", "GET", "/ceremonies/{ceremony}/running-order",          ORGANISERS),
    Route("ceremonies.laudations",        "POST", "/ceremonies/{ceremony}/running-order/laudations", ORGANISERS),
    Route("ceremonies.new_item",          "POST", "/ceremonies/{ceremony}/running-order/items",    ORGANISERS,
          {"kind": "music", "title": "Streichquartett"}),
    Route("ceremonies.item_action",       "POST", "/ceremonies/{ceremony}/running-order/items/{ceremony_item}/down",
          ORGANISERS),
    Route("ceremonies.personal",          "GET",  "/ceremonies/me/{ceremony_token}",               EVERYONE),
    Route("ceremonies.add_companion",     "POST", "/ceremonies/me/{ceremony_token}/guests",        EVERYONE,
          {"first_name": "Bo", "last_name": "Gast", "date_of_birth": "1991-03-04"}),
    Route("ceremonies.delete_companion",  "POST", "/ceremonies/me/{ceremony_token}/guests/{ceremony_companion}/delete",
          EVERYONE),
    Route("ceremonies.date_of_birth",     "POST", "/ceremonies/me/{ceremony_token}/date-of-birth", EVERYONE,
          {"date_of_birth": "1970-05-01"}),
    # pages
    Route("pages.start",                  "GET",  "/",                                             EVERYONE),
    Route("pages.health",                 "GET",  "/healthz",                                      EVERYONE),
    Route("pages.set_language",           "POST", "/language",                         EVERYONE, {"lang": "en"}),
    # accounts
    Route("accounts.login",               "GET",  "/accounts/login",                               EVERYONE),
    Route("accounts.logout",              "POST", "/accounts/logout",                              SIGNED_IN),
    Route("accounts.sessions",            "GET",  "/accounts/sessions",                            SIGNED_IN),
    Route("accounts.sessions",            "POST", "/accounts/sessions",                            SIGNED_IN),
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
    # meetings
    Route("meetings.index",               "GET",  "/meetings/",                                    EVERYONE),
    Route("meetings.archive",             "GET",  "/meetings/archive",                             EVERYONE),
    Route("meetings.event_page",          "GET",  "/meetings/{event_slug}",                        EVERYONE),
    Route("meetings.manage",              "GET",  "/meetings/manage/",                             ORGANISERS),
    Route("meetings.new_event",           "GET",  "/meetings/manage/new",                          ORGANISERS),
    Route("meetings.detail",              "GET",  "/meetings/manage/{event}",                      ORGANISERS),
    Route("meetings.edit_event",          "GET",  "/meetings/manage/{event}/edit",                 ORGANISERS),
    Route("meetings.copy",                "POST", "/meetings/manage/{event}/copy",                 ORGANISERS),
    Route("meetings.publish",             "POST", "/meetings/manage/{event}/publish",              ORGANISERS),
    Route("meetings.unpublish",           "POST", "/meetings/manage/{event}/unpublish",            ORGANISERS),
    Route("meetings.cancel",              "POST", "/meetings/manage/{event}/cancel",   ORGANISERS, {"confirm": "y"}),
    Route("meetings.new_session",         "GET",  "/meetings/manage/{event}/sessions/new",         ORGANISERS),
    Route("meetings.edit_session",        "GET",  "/meetings/manage/{event}/sessions/{session}/edit", ORGANISERS),
    Route("meetings.remove_session",      "POST", "/meetings/manage/{event}/sessions/{session}/delete", ORGANISERS),
    Route("meetings.new_question",        "GET",  "/meetings/manage/{event}/questions/new",        ORGANISERS),
    Route("meetings.edit_question",       "GET",  "/meetings/manage/{event}/questions/{question}/edit", ORGANISERS),
    Route("meetings.remove_question",     "POST", "/meetings/manage/{event}/questions/{question}/delete", ORGANISERS),
    Route("meetings.invitations",         "POST", "/meetings/manage/{event}/invitations",          ORGANISERS),
    Route("meetings.invitation_list",     "GET",  "/meetings/manage/{event}/invitations",          ORGANISERS),
    Route("meetings.invitations_export",  "GET",  "/meetings/manage/{event}/invitations.csv",      ORGANISERS),
    Route("meetings.invitation_resend", "POST", "/meetings/manage/{event}/invitations/{invitation}/resend", ORGANISERS),
    # registration
    Route("registration.register",        "GET",  "/registration/{event_slug}",                    EVERYONE),
    Route("registration.lost_link",       "GET",  "/registration/{event_slug}/link",               EVERYONE),
    Route("registration.check_mail",      "GET",  "/registration/{event_slug}/check-mail",         EVERYONE),
    Route("registration.personal",        "GET",  "/registration/me/{manage_token}",               EVERYONE),
    Route("registration.cancel_own",      "POST", "/registration/me/{manage_token}/cancel",        EVERYONE),
    Route("registration.confirm_own_address", "POST", "/registration/me/{manage_token}/confirm",   EVERYONE),
    Route("registration.renew_own_link",  "POST", "/registration/me/{manage_token}/renew",         EVERYONE),
    Route("registration.withdraw_own_photo_consent", "POST",
          "/registration/me/{manage_token}/photo-consent/withdraw", EVERYONE),
    Route("registration.restore_own",     "POST", "/registration/me/{manage_token}/restore",       EVERYONE),
    Route("registration.personal_invite", "GET",  "/registration/me/{manage_token}/invite.ics",    EVERYONE),
    Route("registration.personal_ticket", "GET",  "/registration/me/{manage_token}/ticket.pdf",    EVERYONE),
    Route("registration.registrations",   "GET",  "/registration/manage/{event}",                  ORGANISERS),
    Route("registration.export",          "GET",  "/registration/manage/{event}/export.csv",       ORGANISERS),
    Route("registration.export",          "GET",  "/registration/manage/{event}/export.xlsx",      ORGANISERS),
    Route("registration.message",         "GET",  "/registration/manage/{event}/message",          ORGANISERS),
    Route("registration.entry",           "GET",  "/registration/manage/entry/{registration}",     ORGANISERS),
    Route("registration.add",             "GET",  "/registration/manage/{event}/add",              ORGANISERS),
    Route("registration.days",            "GET",  "/registration/manage/{event}/days",             ORGANISERS),
    Route("registration.correct",         "GET",  "/registration/manage/correct/{registration}",   ORGANISERS),
    Route("registration.entry_action",    "POST", "/registration/manage/entry/{registration}/up",  ORGANISERS),
    # calendar
    Route("calendar.subscribe",           "GET",  "/calendar/",                                    EVERYONE),
    Route("calendar.feed",                "GET",  "/calendar/feed.ics",                            EVERYONE),
    Route("calendar.event_file",          "GET",  "/calendar/events/{event}.ics",                  EVERYONE),
    Route("calendar.personal_feed",       "GET",  "/calendar/personal/{feed_token}.ics",           EVERYONE),
    # awards: the public calls and an applicant's personal link
    Route("awards.calls",                 "GET",  "/awards/",                                      EVERYONE),
    Route("awards.call",                  "GET",  "/awards/call/{award_slug}",                     EVERYONE),
    Route("awards.apply",                 "GET",  "/awards/call/{award_slug}/apply",               EVERYONE),
    Route("awards.lost_link",             "GET",  "/awards/call/{award_slug}/link",                EVERYONE),
    Route("awards.personal",              "GET",  "/awards/me/{award_token}",                      EVERYONE),
    Route("awards.submit_own",            "POST", "/awards/me/{award_token}/submit",               EVERYONE),
    Route("awards.withdraw_own",          "POST", "/awards/me/{award_token}/withdraw",             EVERYONE),
    Route("awards.upload_own",            "POST", "/awards/me/{award_token}/documents",            EVERYONE),
    Route("awards.own_document",          "GET",  "/awards/me/{award_token}/documents/{award_document}/Konzept.pdf",
          EVERYONE),
    Route("awards.remove_own_document",   "POST", "/awards/me/{award_token}/documents/{award_document}/delete",
          EVERYONE),
    Route("awards.answer_own_request",    "POST", "/awards/me/{award_token}/requests/{award_request}", EVERYONE),
    # awards: the organisers' pages
    Route("awards.programmes",            "GET",  "/awards/manage/",                               ORGANISERS),
    Route("awards.new_programme",         "GET",  "/awards/manage/new",                            ORGANISERS),
    Route("awards.edit_programme",        "GET",  "/awards/manage/{award_programme}/edit",         ORGANISERS),
    Route("awards.programme",             "GET",  "/awards/manage/{award_programme}",              ORGANISERS),
    Route("awards.programme_action",      "POST", "/awards/manage/{award_programme}/publish",      ORGANISERS),
    Route("awards.new_category",          "POST", "/awards/manage/{award_programme}/categories",   ORGANISERS,
          {"name": "Ehrenamt"}),
    Route("awards.new_criterion",         "POST", "/awards/manage/{award_programme}/criteria",     ORGANISERS),
    Route("awards.delete_criterion",  "POST", "/awards/manage/{award_programme}/criteria/{award_criterion}/delete",
          ORGANISERS),
    Route("awards.round_action",          "POST", "/awards/manage/{award_programme}/rounds/{award_round}/close",
          ORGANISERS),
    Route("awards.new_jury_member",       "POST", "/awards/manage/{award_programme}/jury",         ORGANISERS),
    Route("awards.remove_jury_member",    "POST", "/awards/manage/{award_programme}/jury/{award_member}/remove",
          ORGANISERS),
    Route("awards.nominations",           "GET",  "/awards/manage/{award_programme}/nominations",  ORGANISERS),
    Route("awards.new_nomination",        "GET",  "/awards/manage/{award_programme}/nominations/new", ORGANISERS),
    Route("awards.nomination",    "GET",  "/awards/manage/{award_programme}/nominations/{award_nomination}",
          ORGANISERS),
    Route("awards.correct",       "GET",  "/awards/manage/{award_programme}/nominations/{award_nomination}/edit",
          ORGANISERS),
    Route("awards.screen_nomination",
          "POST", "/awards/manage/{award_programme}/nominations/{award_submitted}/screen", ORGANISERS,
          {"decision": "eligible"}),
    Route("awards.request_nomination_documents",
          "POST", "/awards/manage/{award_programme}/nominations/{award_submitted}/request", ORGANISERS,
          {"text": "Bitte den Finanzplan nachreichen.", "due_on": "2027-01-15"}),
    Route("awards.record_visit",
          "POST", "/awards/manage/{award_programme}/nominations/{award_submitted}/visit", ORGANISERS,
          {"visited_on": "2026-11-20", "note": "Lebendiges Projekt"}),
    Route("awards.merge_nomination",
          "POST", "/awards/manage/{award_programme}/nominations/{award_submitted}/merge", ORGANISERS,
          {"into": "{award_nomination}"}),
    Route("awards.document",              "GET",  "/awards/manage/documents/{award_document}/Konzept.pdf", ORGANISERS),
    # awards: the jury (the world's jury account chairs the world's programme)
    Route("awards.jury_start",            "GET",  "/awards/jury/",                                 JURY),
    Route("awards.jury_list",             "GET",  "/awards/jury/{award_programme}",                JURY),
    Route("awards.jury_nomination",       "GET",  "/awards/jury/{award_programme}/nominations/{award_nomination}",
          JURY),
    Route("awards.declare",       "GET", "/awards/jury/{award_programme}/nominations/{award_nomination}/conflict",
          JURY),
    Route("awards.jury_document", "GET", "/awards/jury/{award_programme}/documents/{award_document}/Konzept.pdf",
          JURY),
    Route("awards.ranking",               "GET",  "/awards/jury/{award_programme}/ranking",        JURY),
    Route("awards.conflicts",             "GET",  "/awards/jury/{award_programme}/conflicts",      JURY),
    Route("awards.suggest",               "POST", "/awards/jury/{award_programme}/conflicts/suggest", JURY),
    Route("awards.decide",                "POST", "/awards/jury/{award_programme}/conflicts/{award_conflict}", JURY,
          {"decision": "dismiss"}),
    Route("awards.results",               "GET",  "/awards/jury/{award_programme}/results",        CHAIR_OR_ORGANISERS),
    Route("awards.mark",                  "POST", "/awards/jury/{award_programme}/results/{award_nomination}/on",
          CHAIR_OR_ORGANISERS),
    Route("awards.meeting_sheet",         "GET",  "/awards/jury/{award_programme}/meeting-sheet.pdf",
          CHAIR_OR_ORGANISERS),
    # awards: decisions (the chair records; organisers see them), the record, the announcement, the winners page
    Route("awards.decisions",             "GET",  "/awards/jury/{award_programme}/decisions",      CHAIR_OR_ORGANISERS),
    Route("awards.decision",              "GET",  "/awards/jury/{award_programme}/decisions/0",    JURY),
    Route("awards.make_record",           "POST", "/awards/jury/{award_programme}/decision-record",
          CHAIR_OR_ORGANISERS),
    Route("awards.decision_record",       "GET",  "/awards/jury/{award_programme}/decision-record.pdf",
          CHAIR_OR_ORGANISERS),
    Route("awards.announcement",          "GET",  "/awards/manage/{award_programme}/announcement", ORGANISERS),
    Route("awards.prize_settings",        "POST", "/awards/manage/{award_programme}/prize-settings", ORGANISERS,
          {"prize_mode": "fixed", "amounts": "2500 / 1500 / 1000", "tie_break_rule": "median_chair"}),
    Route("awards.release",               "POST", "/awards/manage/{award_programme}/decision/schedule", ORGANISERS,
          {"winners_public_at": "2030-01-01T20:00"}),
    Route("awards.issue_certificates",    "POST", "/awards/manage/{award_programme}/certificates", ORGANISERS),
    Route("awards.winners",               "GET",  "/awards/winners/{award_released_slug}",         EVERYONE),
    # checkin: door pages
    Route("checkin.index",                "GET",  "/checkin/",                                     CHECKIN_STAFF),
    Route("checkin.scanner",              "GET",  "/checkin/{event}/",                             CHECKIN_STAFF),
    Route("checkin.scan",                 "POST", "/checkin/{event}/scan",              CHECKIN_STAFF, {"code": "x"}),
    Route("checkin.manual_checkin",     "POST", "/checkin/{event}/registrations/{registration}/checkin", CHECKIN_STAFF),
    Route("checkin.undo",                 "POST", "/checkin/{event}/checkins/{checkin}/undo",      CHECKIN_STAFF),
    Route("checkin.door_list",            "GET",  "/checkin/{event}/door-list",                    CHECKIN_STAFF),
    Route("checkin.log",                  "GET",  "/checkin/{event}/log",                          ORGANISERS),
    Route("checkin.dashboard",            "GET",  "/checkin/{event}/dashboard",                    ORGANISERS),
    Route("checkin.no_shows_export",      "GET",  "/checkin/{past_event}/no-shows.csv",            ORGANISERS),
    Route("checkin.devices",              "GET",  "/checkin/{event}/devices",                      ORGANISERS),
    Route("checkin.revoke_device",        "POST", "/checkin/{event}/devices/{device}/revoke",      ORGANISERS),
    Route("checkin.staff",                "GET",  "/checkin/{event}/staff",                        ORGANISERS),
    Route("checkin.remove_staff",         "POST", "/checkin/{event}/staff/{event_staff}/remove",   ORGANISERS),
    Route("checkin.badges",               "GET",  "/checkin/{event}/badges.pdf",                   ORGANISERS),
    Route("checkin.ticket_pdf",         "GET",  "/checkin/{event}/registrations/{registration}/ticket.pdf", ORGANISERS),
    Route("checkin.reissue",              "POST", "/checkin/{event}/registrations/{registration}/reissue", ORGANISERS),
    # checkin: API for scanning devices
    Route("checkin.openapi",              "GET",  "/checkin/api/openapi.yaml",                     EVERYONE),
    Route("checkin.api_scan",             "POST", "/checkin/api/v1/scans",            DEVICES, json={"token": "x"}),
    Route("checkin.api_manual_checkin",   "POST", "/checkin/api/v1/registrations/{registration}/checkin", DEVICES),
    Route("checkin.api_search",           "GET",  "/checkin/api/v1/search?q=Ay",                   DEVICES),
    Route("checkin.api_status",           "GET",  "/checkin/api/v1/status",                        DEVICES),
    # certificates
    Route("certificates.index",           "GET",  "/certificates/",                                ORGANISERS),
    Route("certificates.new_batch_view",  "GET",  "/certificates/batches/new",                     ORGANISERS),
    Route("certificates.preview_image",   "POST", "/certificates/batches/preview.png",             ORGANISERS,
          {"kind": "appreciation", "source": "csv", "csv_text": "Erika Muster", "design": "classic",
           "title": "Dankesurkunde", "body_template": "Danke, {{name}}.", "issuer": "Ministerium"}),
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
    Route("certificates.verify_typed",    "GET",  "/certificates/v/",                              EVERYONE),
    Route("certificates.participant",     "GET",  "/certificates/participant/{manage_token}",      EVERYONE),
]
# fmt: on
