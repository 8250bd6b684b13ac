"""HubSpot Lists v3 `filterBranch` grammar as typed models, with validation, builders and a renderer.

CONTRACT (being implemented; other modules rely on exactly these names):

    class FilterIssue(BaseModel): path: str; message: str   # str(issue) == f"{path}: {message}"
    class FilterValidationError(ValueError): issues: list[FilterIssue]  # str() lists every issue
    def validate_filter_branch(data: Any) -> list[FilterIssue]           # [] when valid; never raises
    def parse_filter_branch(data: Any) -> FilterBranch                   # raises FilterValidationError
    def normalize_filter_branch(data: dict) -> dict                      # HubSpot's echoed form
    FilterBranch.to_hubspot() -> dict                                    # lossless JSON
    def describe(branch: FilterBranch | dict, labels: Mapping[str, str] | None = None) -> str
    builders: or_/and_/association/prop_any_of/... (see below)
"""
