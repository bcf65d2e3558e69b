// The fake Atlas: filled in by the endpoint issue.
public enum AtlasMockModule {}
