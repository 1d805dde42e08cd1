from django.http import HttpRequest, HttpResponse


def route_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def route_detail(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse("")
