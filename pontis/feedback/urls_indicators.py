"""Pages of the indicators part of feedback (included by feedback/urls.py, namespace "feedback")."""

from django.urls import path

from . import views_indicators

urlpatterns: list = [
    path("review/", views_indicators.review, name="indicators_review"),
    path("review/indicators.xlsx", views_indicators.review_xlsx, name="indicators_review_xlsx"),
    path("review/indicators.pdf", views_indicators.review_pdf, name="indicators_review_pdf"),
]
