"""The baseline view: Django's default upload handlers, then the default storage; nothing else."""

import uuid

from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def store(request):
    upload = request.FILES["file"]
    name = default_storage.save(f"bare/{uuid.uuid4().hex}", upload)
    return JsonResponse({"name": name, "size": upload.size}, status=201)


urlpatterns = [path("upload/", store)]
