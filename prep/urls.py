from django.urls import path

from prep.views import accounts, catalogue, progress, settings, share

app_name = "prep"
urlpatterns = [
    path("", progress.home, name="home"),
    path("welcome/", accounts.onboarding, name="onboarding"),
    path("settings/", settings.profile_settings, name="settings"),
    path("settings/share/", settings.share_link_create, name="share-link-create"),
    path("settings/share/rotate/", settings.share_link_rotate, name="share-link-rotate"),
    path("settings/share/revoke/", settings.share_link_revoke, name="share-link-revoke"),
    path("settings/share/options/", settings.share_link_options, name="share-link-options"),
    path("settings/delete-account/", settings.account_delete, name="account-delete"),
    path("share/<slug:token>/", share.share_dashboard, name="share-dashboard"),
    path("share/<slug:token>/lists/<slug:slug>/", share.share_list, name="share-list"),
    path("path/", catalogue.study_path, name="study-path"),
    path("lists/<slug:slug>/", progress.list_detail, name="list-detail"),
    path("problems/<slug:slug>/", progress.problem_detail, name="problem-detail"),
    path("problems/<slug:slug>/progress/", progress.problem_progress, name="problem-progress"),
    path("progress/problem-status/", progress.problem_status, name="problem-status"),
    path("progress/chapter-done/", progress.chapter_done, name="chapter-done"),
    path("progress/card-done/", progress.card_done, name="card-done"),
    path("progress/stage-studied/", progress.stage_studied, name="stage-studied"),
    path("learn/", progress.learn_cards, name="learn-cards"),
    path("ml-design/", progress.ml_design, name="ml-design"),
    path("behavioral/", catalogue.behavioral, name="behavioral"),
    path("loops/", catalogue.loops, name="loops"),
]
