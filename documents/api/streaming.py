"""Multipart uploads for API views, streamed through the hashing handler."""

from __future__ import annotations

from config.parsers import FormParser, JSONParser, MultiPartParser

from ..errors import FileTooLarge
from ..upload import declared_length_too_large, install_upload_handlers
from ..validation import too_large_message


class StreamingUploadMixin:
    """Streams multipart bodies through the hashing handler; refuses oversize bodies early."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST":
            request._fabrique_upload_handler = install_upload_handlers(request)
        return super().initialize_request(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        if request.method == "POST" and declared_length_too_large(request._request):
            raise FileTooLarge(too_large_message())
        super().initial(request, *args, **kwargs)

    def uploaded_file(self, serializer_class):
        handler = getattr(self.request._request, "_fabrique_upload_handler", None)
        data = self.request.data  # parses the body (if the CSRF check has not already)
        if handler is not None and handler.too_large:
            raise FileTooLarge(too_large_message())
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
