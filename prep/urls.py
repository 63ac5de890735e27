from django.urls import path

from prep import views

app_name = "prep"
urlpatterns = [
    path("", views.home, name="home"),
    path("lists/<slug:slug>/", views.list_detail, name="list-detail"),
    path("learn/", views.learn_cards, name="learn-cards"),
    path("ml-design/", views.ml_design, name="ml-design"),
    path("behavioral/", views.behavioral, name="behavioral"),
    path("loops/", views.loops, name="loops"),
]
