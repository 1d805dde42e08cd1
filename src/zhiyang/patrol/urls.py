from django.urls import path

from zhiyang.core.pages import object_urls
from zhiyang.patrol.views import findings, measures, patrols, plans, tasks

app_name = "patrol"
urlpatterns = [
    path("", patrols.PatrolRecord.as_view(), name="record"),
    path("calendar/", plans.PatrolCalendar.as_view(), name="calendar"),
    path("measures/", measures.Measures.as_view(), name="measures"),
    path("log/", measures.PatrolLog.as_view(), name="log-pdf"),
    *object_urls(
        "plan", "plans/", list=plans.PlanList, create=plans.PlanEdit, detail=plans.PlanDetail,
        edit=plans.PlanEdit,
    ),
    *object_urls(
        "patrol", "patrols/", list=patrols.PatrolList, create=patrols.PatrolUpload,
        detail=patrols.PatrolDetail,
    ),
    *object_urls(
        "finding", "findings/", list=findings.FindingList, create=findings.FindingReport,
        detail=findings.FindingDetail,
    ),
    path("findings/<int:pk>/triage/", findings.FindingTriage.as_view(), name="finding-triage"),
    *object_urls("task", "tasks/", list=tasks.TaskList, detail=tasks.TaskDetail),
    path("tasks/<int:pk>/repair/", tasks.TaskRepair.as_view(), name="task-repair"),
    path("tasks/<int:pk>/verify/", tasks.TaskVerify.as_view(), name="task-verify"),
]  # fmt: skip
