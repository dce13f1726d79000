from django.urls import path

import views

urlpatterns = [
    path("chat/", views.chat),
    path("accounts/login/", views.sign_in),
]
