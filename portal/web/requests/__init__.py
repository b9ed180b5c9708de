"""Requests to the supplier: the service's and the vendor's side of one tracker."""
