from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {})


def network_map(request: HttpRequest) -> HttpResponse:
    return render(request, "web/map.html", {})
