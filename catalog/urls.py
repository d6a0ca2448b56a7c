from django.urls import path

from catalog import views

urlpatterns = [
    path("api/listings/<int:listing_id>/", views.listing_detail, name="listing-detail"),
    path("media/listings/<int:listing_id>.svg", views.listing_image, name="listing-image"),
]
