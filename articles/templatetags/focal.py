"""``{{ photo|focal_classes }}``: where a photo's focal point lies, as two classes
(``fx-3 fy-2``, tenths of the width and height) that static/css/site.css turns into the
``object-position`` of a height-capped lead photo. Classes, not a style attribute: the
Content-Security-Policy allows no inline style."""

from django import template

register = template.Library()


@register.filter
def focal_classes(photo) -> str:
    if not photo or not photo.width or not photo.height or photo.focal_x is None:
        return ""
    centre_x = photo.focal_x + (photo.focal_width or 0) / 2
    centre_y = (photo.focal_y or 0) + (photo.focal_height or 0) / 2
    tenth_x = min(10, max(0, round(10 * centre_x / photo.width)))
    tenth_y = min(10, max(0, round(10 * centre_y / photo.height)))
    return f"fx-{tenth_x} fy-{tenth_y}"
