"""Writes for the self-study side of the site."""

from django.db import IntegrityError, transaction

from home.models import ArticlePage, ArticleVote


@transaction.atomic
def article_vote_record(
    *, article: ArticlePage, voter_key: str, helpful: bool
) -> ArticleVote:
    """Record a visitor's "was this helpful?" answer; a second answer replaces the
    first.

    Idempotent: the unique constraint on (article, voter_key) keeps one row per visitor
    even when two requests race.
    """
    try:
        with transaction.atomic():
            vote, created = ArticleVote.objects.get_or_create(
                article=article, voter_key=voter_key, defaults={"helpful": helpful}
            )
    except IntegrityError:
        vote, created = (
            ArticleVote.objects.get(article=article, voter_key=voter_key),
            False,
        )
    if not created and vote.helpful != helpful:
        vote.helpful = helpful
        vote.save(update_fields=["helpful", "updated_at"])
    return vote
