from django.urls import path

from catalog import views

urlpatterns = [
    path(
        "api/listings/<int:listing_id>/", views.ListingDetailView.as_view(), name="listing-detail"
    ),
    path(
        "api/listings/<int:listing_id>/enquiries/",
        views.ListingEnquiriesView.as_view(),
        name="listing-enquiries",
    ),
    path("media/listings/<int:listing_id>.svg", views.listing_image, name="listing-image"),
    path(
        "media/listings/<int:listing_id>/<int:view>.svg",
        views.listing_picture_view,
        name="listing-picture",
    ),
]
