"""A trainer's change goes live only after a training admin approves it."""

import pytest
from wagtail.models import Workflow

from courses.models import CoursePage


@pytest.fixture
def course(db):
    return CoursePage.objects.live().first()


@pytest.mark.django_db
def test_trainer_can_edit_but_not_publish(course, trainer, admin_user):
    trainer_perms = course.permissions_for_user(trainer)
    assert trainer_perms.can_edit()
    assert not trainer_perms.can_publish()
    assert course.permissions_for_user(admin_user).can_publish()


@pytest.mark.django_db
def test_the_review_workflow_guards_courses_and_help(course):
    workflow = course.get_workflow()
    assert workflow is not None
    assert workflow.name == "培训资料审核"
    assert [task.name for task in workflow.tasks] == ["培训管理员审核"]


@pytest.mark.django_db
def test_trainer_change_waits_for_approval(course, trainer, admin_user, client_for):
    live_title = course.title
    course.title = "讲师修改后的标题"
    revision = course.save_revision(user=trainer)
    workflow = course.get_workflow()
    workflow_state = workflow.start(course, trainer)

    course.refresh_from_db()
    assert course.title == live_title
    assert course.has_unpublished_changes
    assert client_for(None).get(course.url).text.count("讲师修改后的标题") == 0

    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert not task.user_can_access_editor(course, trainer) or not any(
        action[0] == "approve" for action in task.get_actions(course, trainer)
    )
    assert any(
        action[0] == "approve" for action in task.get_actions(course, admin_user)
    )

    task.on_action(task_state, admin_user, "approve")
    course.refresh_from_db()
    assert course.title == "讲师修改后的标题"
    assert course.live_revision_id == revision.pk
    assert "讲师修改后的标题" in client_for(None).get(course.url).text


@pytest.mark.django_db
def test_trainer_edit_screen_offers_submit_not_publish(course, trainer, client_for):
    response = client_for(trainer).get(f"/admin/pages/{course.pk}/edit/")
    assert response.status_code == 200
    assert 'name="action-submit"' in response.text
    assert 'name="action-publish"' not in response.text


@pytest.mark.django_db
def test_workflow_is_active():
    assert Workflow.objects.get(name="培训资料审核").active
