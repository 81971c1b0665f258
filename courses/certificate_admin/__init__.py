"""Wagtail admin of certificates, certificate templates and trainer qualifications,
under one menu, 证书. ``viewsets`` defines what ``hooks`` registers; ``registry``
who sees which certificates and the status derived in SQL; ``views`` the registry
listing, detail, PDF and ZIP; ``actions`` revoke, reissue, manual and bulk issuance;
``designs`` the template preview and delete guard; ``qualifications`` the trainer
qualification listing and form; ``filters`` the listing filters; ``forms`` the
reason forms and ``CoursePageForm``; ``issue_forms`` the issuance forms."""
