"""JSON that masks what is sensitive unless asked, and reads back."""

import ssmkit
from ssmkit.models import Parameter

secret = Parameter(name="/app/db-password", type="SecureString", value="hunter2")
text = ssmkit.to_json(secret)  # {"Name": ..., "Value": "<sensitive>", ...}
print(text)
assert "hunter2" not in text
kept = ssmkit.to_json(secret, show_sensitive=True)
assert ssmkit.from_json(Parameter, kept) == secret
