"""Learning models; one module per sub-domain, re-exported here."""

from courses.models.assignments import Assignment, ReminderKind, ReminderLog
from courses.models.certificates import (
    Certificate,
    CertificateSerialCounter,
    CertificateSource,
    CertificateStatus,
    CertificateTemplate,
    TrainerQualification,
)
from courses.models.feedback import (
    FeedbackAnswer,
    FeedbackForm,
    FeedbackKind,
    FeedbackQuestion,
    FeedbackSubmission,
    ReviewStatus,
)
from courses.models.pages import (
    CourseIndexPage,
    CoursePage,
    CoursePageTag,
    LessonMaterial,
    LessonPage,
)
from courses.models.paths import (
    LearningPath,
    LearningPathStage,
    PathEnrollment,
    StageSignOff,
)
from courses.models.progress import (
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
)
from courses.models.quizzes import (
    AttemptGrant,
    AttemptScoreHistory,
    AttemptStatus,
    Choice,
    CloseReason,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    ReviewPolicy,
)

__all__ = [
    "Certificate",
    "CertificateSerialCounter",
    "CertificateSource",
    "CertificateStatus",
    "CertificateTemplate",
    "TrainerQualification",
    "Assignment",
    "ReminderKind",
    "ReminderLog",
    "LearningPath",
    "LearningPathStage",
    "PathEnrollment",
    "StageSignOff",
    "Enrollment",
    "EnrollmentSource",
    "EnrollmentStatus",
    "LessonProgress",
    "FeedbackAnswer",
    "FeedbackForm",
    "FeedbackKind",
    "FeedbackQuestion",
    "FeedbackSubmission",
    "ReviewStatus",
    "AttemptGrant",
    "AttemptScoreHistory",
    "AttemptStatus",
    "Choice",
    "CloseReason",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizAnswer",
    "QuizAttempt",
    "ReviewPolicy",
    "CourseIndexPage",
    "CoursePage",
    "CoursePageTag",
    "LessonMaterial",
    "LessonPage",
]
