from django.urls import path

import views

urlpatterns = [
    path("generate/", views.generate, name="generate"),
]
