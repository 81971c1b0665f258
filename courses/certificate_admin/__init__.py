"""Wagtail admin of certificates, certificate templates and trainer qualifications."""
