from django.urls import path

import views

urlpatterns = [
    path("api/ask/", views.ask),
]
