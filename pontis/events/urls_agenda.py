"""Pages of the agenda part of meetings (included by events/urls.py, namespace "events"): the meeting and agenda
editors (staff) and the speakers' personal upload link."""

from django.urls import path

from . import views_agenda as v

urlpatterns = [
    path("new/", v.meeting_create, name="agenda_meeting_create"),
    path("speaker/<str:token>/", v.speaker_page, name="agenda_speaker"),
    path("<slug:slug>/edit/", v.meeting_edit, name="agenda_meeting_edit"),
    path("<slug:slug>/held/", v.meeting_mark_held, name="agenda_meeting_held"),
    path("<slug:slug>/cancel/", v.meeting_cancel, name="agenda_meeting_cancel"),
    path("<slug:slug>/agenda/", v.agenda_editor, name="agenda_editor"),
    path("<slug:slug>/agenda/sessions/new/", v.session_add, name="agenda_session_add"),
    path("<slug:slug>/agenda/sessions/<int:pk>/", v.session_edit, name="agenda_session_edit"),
    path("<slug:slug>/agenda/sessions/<int:pk>/move/", v.session_move, name="agenda_session_move"),
    path("<slug:slug>/agenda/sessions/<int:pk>/delete/", v.session_delete, name="agenda_session_delete"),
    path("<slug:slug>/agenda/sessions/<int:pk>/contributions/new/", v.contribution_add, name="agenda_contribution_add"),
    path("<slug:slug>/agenda/sessions/<int:pk>/notes/new/", v.note_add, name="agenda_note_add"),
    path("<slug:slug>/agenda/contributions/<int:pk>/", v.contribution_edit, name="agenda_contribution_edit"),
    path("<slug:slug>/agenda/contributions/<int:pk>/move/", v.contribution_move, name="agenda_contribution_move"),
    path("<slug:slug>/agenda/contributions/<int:pk>/delete/", v.contribution_delete, name="agenda_contribution_delete"),
    path("<slug:slug>/agenda/contributions/<int:pk>/speaker-link/", v.speaker_link, name="agenda_speaker_link"),
    path("<slug:slug>/agenda/notes/<int:pk>/", v.note_edit, name="agenda_note_edit"),
    path("<slug:slug>/agenda/notes/<int:pk>/move/", v.note_move, name="agenda_note_move"),
    path("<slug:slug>/agenda/notes/<int:pk>/delete/", v.note_delete, name="agenda_note_delete"),
]
